#!/usr/bin/env -S coclick run
-- Creates meetings from a CSV file, one per row.
--
--   bulk-create.lua FILE.csv        (FILE - reads standard input)
--
-- Columns (header row, any order, other columns ignored): user, starts_at (ISO 8601),
-- cobrowsing_url, and optionally custom_data (a JSON object as text). An empty cell is an
-- absent field.
--
-- Standard output: the id of each meeting created, one a line, in file order.
-- Standard error: each row that failed, e.g. `line 3: user: User must exist`, then a count.
-- A row is named by the line of the file it starts on, as csv.decode numbers lines (the
-- header is line 1; a quoted field may span lines). A UTF-8 byte order mark is fine; text
-- that is not UTF-8 or an unterminated quote stops before anything is created (status 2).
-- A bad row does not stop the others; the meetings of good rows are created either way.
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

local created, failed = 0, 0
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
    local done, result = pcall(coclick.meetings.create, fields)
    if done then
      created = created + 1
      print(result.id)
      io.stdout:flush()
    elseif type(result) == "table" and (result.kind == "validation" or result.kind == "bad_request") then
      if result.errors and next(result.errors) then
        report(number, field_errors(result.errors))
      else
        report(number, result.message or tostring(result))
      end
    else
      -- Unreachable, failing, key rejected, or a bug: the next rows would fare no better.
      io.stderr:write(("bulk-create: stopped at line %d: %d created, %d failed before it\n")
        :format(number, created, failed))
      error(result, 0)
    end
  end
end

io.stderr:write(("bulk-create: %d created, %d failed\n"):format(created, failed))
if failed > 0 then os.exit(1) end
