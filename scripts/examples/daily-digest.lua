#!/usr/bin/env -S coclick run
-- The meetings of a day, grouped by presenter, with counts by status and start times in
-- local time, as Markdown on standard output.
--
--   daily-digest.lua              today (local time)
--   daily-digest.lua 2024-05-17   that day
--   coclick --sandbox run daily-digest.lua   against demo data

local STATUS_ORDER = { "scheduled", "in_progress", "closed", "cancelled" }

local function usage(message)
  io.stderr:write(("daily-digest: %s\nusage: daily-digest.lua [YYYY-MM-DD]\n"):format(message))
  os.exit(2)
end

-- Any instant of the day asked for: noon, so that a DST change cannot move it to another day.
local function instant_of(day)
  if day == nil then return os.time() end
  local y, m, d = day:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  if not y then usage(("not a date: %s"):format(day)) end
  local t = os.time { year = tonumber(y), month = tonumber(m), day = tonumber(d), hour = 12 }
  if os.date("%Y-%m-%d", t) ~= day then usage(("no such day: %s"):format(day)) end
  return t
end

-- "scheduled: 2, closed: 1", documented statuses first, then any other in name order.
local function status_counts(counts)
  local parts, seen = {}, {}
  for _, status in ipairs(STATUS_ORDER) do
    seen[status] = true
    if counts[status] then parts[#parts + 1] = ("%s: %d"):format(status, counts[status]) end
  end
  local others = {}
  for status in pairs(counts) do
    if not seen[status] then others[#others + 1] = status end
  end
  table.sort(others)
  for _, status in ipairs(others) do parts[#parts + 1] = ("%s: %d"):format(status, counts[status]) end
  return table.concat(parts, ", ")
end

local first, after = coclick.time.day(instant_of(...))
local day_label = coclick.time.format(first, "local"):sub(1, 10)

-- The API has no date filter: list everything, keep the day's meetings.
local presenters, totals, count = {}, {}, 0
for meeting in coclick.meetings.each { per = 100 } do
  local starts = meeting.starts_at and coclick.time.parse(meeting.starts_at)
  if starts and starts >= first and starts < after then
    local who = meeting.user or "(no presenter)"
    local entry = presenters[who]
    if not entry then
      entry = { name = who, meetings = {}, counts = {} }
      presenters[who] = entry
    end
    local status = meeting.status or "unknown"
    entry.meetings[#entry.meetings + 1] = { starts = starts, status = status, id = meeting.id }
    entry.counts[status] = (entry.counts[status] or 0) + 1
    totals[status] = (totals[status] or 0) + 1
    count = count + 1
  end
end

local order = {}
for _, entry in pairs(presenters) do order[#order + 1] = entry end
table.sort(order, function(a, b) return a.name < b.name end)

local out = {}
local function say(line) out[#out + 1] = line or "" end

say(("# Meetings on %s"):format(day_label))
say()
if count == 0 then
  say("No meetings.")
else
  say(("%d meeting%s, %d presenter%s: %s."):format(count, count == 1 and "" or "s",
    #order, #order == 1 and "" or "s", status_counts(totals)))
  for _, entry in ipairs(order) do
    table.sort(entry.meetings, function(a, b) return a.starts < b.starts end)
    say()
    say(("## %s (%d)"):format(entry.name, #entry.meetings))
    say()
    say(status_counts(entry.counts))
    say()
    say("| Start | Status | Meeting |")
    say("|---|---|---|")
    for _, m in ipairs(entry.meetings) do
      local time = coclick.time.format(m.starts, "local"):match("T(%d%d:%d%d)") or "?"
      say(("| %s | %s | `%s` |"):format(time, m.status, tostring(m.id or "?"):sub(1, 8)))
    end
  end
end
io.write(table.concat(out, "\n"), "\n")
