#!/usr/bin/env -S coclick run
-- The meetings of a day, grouped by presenter, with counts by status and start times in
-- local time, as Markdown on standard output; optionally also posted to a chat webhook.
--
--   daily-digest.lua [YYYY-MM-DD | --since-last-run] [--webhook URL]
--
--   daily-digest.lua                          today (local time)
--   daily-digest.lua 2024-05-17               that day
--   daily-digest.lua --since-last-run         the meetings that started since the last run of
--                                             this script that succeeded (coclick.run.last_success;
--                                             the first time: since the start of today), up to now
--   daily-digest.lua --webhook https://...    also posts {"text": DIGEST} to URL (Slack, Mattermost...)
--   coclick --sandbox run daily-digest.lua    against demo data
--
-- The webhook URL may come from the environment variable DIGEST_WEBHOOK_URL instead, so that
-- a URL holding a secret path stays out of `ps` and the crontab (`--webhook` wins).
--
-- Exit status: 0 done (digest printed, and posted when asked); 1 the webhook answered other
-- than 2xx; 2 bad arguments; 3, 4, 5 as every coclick run (no key, key rejected, CoClick or
-- the webhook unreachable).

local STATUS_ORDER = { "scheduled", "in_progress", "closed", "cancelled" }

local function usage(message)
  io.stderr:write(("daily-digest: %s\nusage: daily-digest.lua [YYYY-MM-DD | --since-last-run] [--webhook URL]\n"):format(message))
  os.exit(2)
end

-- The day (or nil: today), the webhook URL (or nil) and --since-last-run, from the script's arguments.
local function parse_arguments(...)
  local day, webhook, since_last_run = nil, os.getenv("DIGEST_WEBHOOK_URL"), false
  if webhook == "" then webhook = nil end
  local args, i = { ... }, 1
  while i <= #args do
    local a = args[i]
    if a == "--webhook" then
      webhook = args[i + 1]
      if webhook == nil then usage("--webhook needs a URL") end
      i = i + 1
    elseif a:match("^%-%-webhook=") then
      webhook = a:sub(#"--webhook=" + 1)
    elseif a == "--since-last-run" then
      since_last_run = true
    elseif a:sub(1, 1) == "-" then
      usage(("unknown option: %s"):format(a))
    elseif day == nil then
      day = a
    else
      usage(("unexpected argument: %s"):format(a))
    end
    i = i + 1
  end
  if webhook and not webhook:match("^https?://") then usage("the webhook URL must start with http:// or https://") end
  if since_last_run and day then usage("give a day or --since-last-run, not both") end
  return day, webhook, since_last_run
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

local day_argument, webhook, since_last_run = parse_arguments(...)
local first, after = coclick.time.day(instant_of(day_argument))
local title = ("Meetings on %s"):format(coclick.time.format(first, "local"):sub(1, 10))
if since_last_run then
  -- From the start of the last successful run (else of today) to now: a run that fails is
  -- not counted, so the next one covers its period again.
  first = coclick.run.last_success or first
  after = os.time()
  local from = coclick.time.format(first, "local")
  title = ("Meetings since %s %s"):format(from:sub(1, 10), from:match("T(%d%d:%d%d)") or "")
end

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

say(("# %s"):format(title))
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
local digest = table.concat(out, "\n")
io.write(digest, "\n")
io.stdout:flush()

if webhook then
  -- An unreachable webhook raises the API error table (exit 5); an answer other than 2xx is
  -- this script's error (exit 1). Neither message shows the URL: its path is often its secret.
  local status, body = coclick.http.post_json(webhook, { text = digest })
  if status < 200 or status > 299 then
    body = (body or ""):gsub("%s+", " "):sub(1, 200)
    io.stderr:write(("daily-digest: the webhook answered %d: %s\n"):format(status, body))
    os.exit(1)
  end
end
