#!/usr/bin/env -S coclick run
-- Every meeting of a date range as CSV (RFC 4180, header row) on standard output.
--
--   export-csv.lua FROM TO          YYYY-MM-DD, both days included, local days
--   export-csv.lua 2024-05-01 2024-05-31 > may.csv
--   coclick --sandbox run export-csv.lua 2024-05-01 2024-05-31
--
-- Columns: id, user, status, starts_at (as the API sent it), duration, cobrowsing_url,
-- prospect_room_url, presenter_room_url, custom_data (JSON text). Rows in start order.
-- The API has no date filter: the listing is read in full and the range kept, then the kept
-- meetings are fetched in full, concurrently.
--
-- Exit status: 0 done; 2 bad arguments; 3, 4, 5 as every coclick run.

local COLUMNS = { "id", "user", "status", "starts_at", "duration", "cobrowsing_url",
  "prospect_room_url", "presenter_room_url", "custom_data" }

local function usage(message)
  io.stderr:write(("export-csv: %s\nusage: export-csv.lua FROM TO (YYYY-MM-DD, inclusive)\n"):format(message))
  os.exit(2)
end

-- Noon of a local day: a DST change cannot move it to another day.
local function noon_of(day)
  local y, m, d = tostring(day):match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  if not y then usage(("not a date: %s"):format(day)) end
  local t = os.time { year = tonumber(y), month = tonumber(m), day = tonumber(d), hour = 12 }
  if os.date("%Y-%m-%d", t) ~= day then usage(("no such day: %s"):format(day)) end
  return t
end

local from_day, to_day, extra = ...
if from_day == nil or to_day == nil then usage("FROM and TO expected") end
if extra ~= nil then usage(("unexpected argument: %s"):format(extra)) end
local first = coclick.time.day(noon_of(from_day))
local _, after = coclick.time.day(noon_of(to_day))
if after <= first then usage(("%s is after %s"):format(from_day, to_day)) end

local ids, starts = {}, {}
for meeting in coclick.meetings.each { per = 100 } do
  local at = meeting.starts_at and coclick.time.parse(meeting.starts_at)
  if at and at >= first and at < after then
    ids[#ids + 1] = meeting.id
    starts[meeting.id] = at
  end
end
table.sort(ids, function(a, b)
  if starts[a] ~= starts[b] then return starts[a] < starts[b] end
  return a < b
end)

local rows = {}
for i, meeting in ipairs(coclick.meetings.get_many(ids)) do
  local row = {}
  for _, column in ipairs(COLUMNS) do row[column] = meeting[column] end
  row.id = ids[i]
  rows[i] = row
end
io.write(csv.encode(rows, COLUMNS))
