#!/usr/bin/env -S coclick run
-- Creates meetings from a CSV file, one per row.
--
--   bulk-create.lua FILE.csv        (FILE - reads standard input)
--
-- Columns (header row, any order, other columns ignored): user, starts_at (ISO 8601),
-- cobrowsing_url, and optionally custom_data (a JSON object as text). An empty cell is an
-- absent field.
--
-- Standard output: the id of each row's meeting, one a line, in file order.
-- Standard error: each row that failed, e.g. `line 3: user: User must exist`, then a count.
-- A row is named by the line of the file it starts on, as csv.decode numbers lines (the
-- header is line 1; a quoted field may span lines). A UTF-8 byte order mark is fine; text
-- that is not UTF-8 or an unterminated quote stops before anything is created (status 2).
-- A bad row does not stop the others; the meetings of good rows are created either way.
--
-- Safe to run again: each row is created with a key made of the file's name and the row's
-- content (coclick.meetings.create(fields, {key=})), so a second run after a crash, a timeout
-- or a kill creates only the rows still missing, and prints the ids of the others as well.
-- Two identical rows of one file are one meeting.
--
-- Exit status: 0 every row created; 1 some row failed (see standard error); 2 bad arguments
-- or an unreadable file; 3, 4, 5 as every coclick run (CoClick unreachable stops the run:
-- the ids printed so far are the meetings created).

local function usage(message)
  io.stderr:write(("bulk-create: %s\nusage: bulk-create.lua FILE.csv\n"):format(message))
  os.exit(2)
end

local path, extra = ...
if path == nil then usage("FILE.csv expected") end
if extra ~= nil then usage(("unexpected argument: %s"):format(extra)) end

local text
if path == "-" then
  text = io.read("a")
else
  local file, reason = io.open(path, "rb")
  if not file then usage(("cannot open %s"):format(reason)) end
  text = file:read("a")
  file:close()
end

-- The file's name without its folder: the same file run from elsewhere keeps its keys.
local file_name = path == "-" and "(standard input)" or path:match("([^/]*)$")

local ok, rows, lines = pcall(csv.decode, text, {lines = true})
if not ok then usage(("%s: %s"):format(path, tostring(rows))) end

local function cell(row, name)
  local v = row[name]
  if v == nil then return nil end
  v = v:match("^%s*(.-)%s*$")
  if v == "" then return nil end
  return v
end

-- "user: User must exist; starts_at: please specify a start date", fields in name order.
local function field_errors(errors)
  local names = {}
  for name in pairs(errors) do names[#names + 1] = name end
  table.sort(names)
  local parts = {}
  for _, name in ipairs(names) do
    local messages = errors[name]
    if type(messages) ~= "table" then messages = { tostring(messages) } end
    parts[#parts + 1] = ("%s: %s"):format(name, table.concat(messages, ", "))
  end
  return table.concat(parts, "; ")
end

local created, earlier, failed, would = 0, 0, 0, 0
local function report(number, message)
  failed = failed + 1
  io.stderr:write(("line %d: %s\n"):format(number, message))
end

for index, row in ipairs(rows) do
  local number = lines[index]
  local fields = {
    user = cell(row, "user"),
    starts_at = cell(row, "starts_at"),
    cobrowsing_url = cell(row, "cobrowsing_url"),
  }
  local custom = cell(row, "custom_data")
  local bad_custom
  if custom then
    local decoded, value = pcall(json.decode, custom)
    if not custom:match("^{") or not decoded or type(value) ~= "table" then
      bad_custom = "custom_data: not a JSON object"
    else
      fields.custom_data = value
    end
  end
  if bad_custom then
    report(number, bad_custom)
  else
    local key = table.concat({ "bulk-create", file_name, fields.user or "", fields.starts_at or "",
      fields.cobrowsing_url or "", custom or "" }, "\n")
    local done, result, how = pcall(coclick.meetings.create, fields, { key = key })
    if done and result.dry_run then
      -- --dry-run: checked, not sent; there is no id to print.
      would = would + 1
    elseif done then
      if how == "created" then created = created + 1 else earlier = earlier + 1 end
      print(result.id)
      io.stdout:flush()
    elseif type(result) == "table" and (result.kind == "validation" or result.kind == "bad_request"
        or result.kind == "uncertain") then
      -- uncertain: an earlier run's POST of this row has no known outcome and no meeting was
      -- found for it; not created again (the message says what to check).
      if result.errors and next(result.errors) then
        report(number, field_errors(result.errors))
      else
        report(number, result.message or tostring(result))
      end
    else
      -- Unreachable, failing, key rejected, or a bug: the next rows would fare no better.
      io.stderr:write(("bulk-create: stopped at line %d: %d created, %d created earlier, %d failed before it\n")
        :format(number, created, earlier, failed))
      error(result, 0)
    end
  end
end

if would > 0 then
  io.stderr:write(("bulk-create: dry run: %d would be created, %d failed\n"):format(would, failed))
elseif earlier > 0 then
  io.stderr:write(("bulk-create: %d created, %d created earlier, %d failed\n"):format(created, earlier, failed))
else
  io.stderr:write(("bulk-create: %d created, %d failed\n"):format(created, failed))
end
if failed > 0 then os.exit(1) end
