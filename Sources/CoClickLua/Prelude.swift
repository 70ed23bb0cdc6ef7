/// The helpers written in Lua: `pp`, `coclick.tabulate`, `log.*` and the Lua half of `csv`.
/// Lua is the natural place for them: they call `tostring`, metamethods and `json.encode`, all
/// of which may raise, and here raising is fine. The chunk receives a table of the Swift and C
/// internals it builds on.
enum Prelude {
    static let source = #"""
local internal = ...
local json, coclick, csv = internal.json, internal.coclick, internal.csv
local type, tostring, pairs, ipairs, select, rawlen, rawget = type, tostring, pairs, ipairs, select, rawlen, rawget
local getmetatable, pcall, error, tonumber = getmetatable, pcall, error, tonumber
local concat, sort = table.concat, table.sort
local mtype, huge = math.type, math.huge
local json_null = json.null

-- Columns that identify a row come first, in this order; the others follow sorted.
local IDENTIFYING = { "id", "user", "status", "starts_at" }
local MAX_ITEMS = 100        -- items or fields shown per table by pp
local MAX_LINES = 400        -- lines shown by pp
local MAX_CELL = 40          -- characters per cell in pp's tables
local MIN_SHRUNK = 12        -- pp narrows wide columns down to this before dropping any
-- How much of a value a rendering shows: pp's (for a person at a terminal), or everything (an
-- eval result going to a file or a pipe, where nothing may be cut).
local FOLDED = { items = MAX_ITEMS, lines = MAX_LINES, cell = MAX_CELL, fit = true }
local WHOLE = {}

local function width(s)
  return utf8.len(s) or #s
end

local function cut(s, n)
  if width(s) <= n then return s end
  local ok, stop = pcall(utf8.offset, s, n)
  return s:sub(1, (ok and stop or n) - 1) .. "…"
end

local ESCAPES = { ["\n"] = "\\n", ["\t"] = "\\t", ["\r"] = "\\r", ['"'] = '\\"', ["\\"] = "\\\\" }
local function quote(s)
  return '"' .. (s:gsub('[%c"\\]', function(c) return ESCAPES[c] or ("\\%03d"):format(c:byte()) end)) .. '"'
end

local KEYWORDS = {}
for w in ("and break do else elseif end false for function goto if in local nil not or repeat return then true until while"):gmatch("%a+") do
  KEYWORDS[w] = true
end

local function is_array(t)
  local n = rawlen(t)
  local count = 0
  for k in pairs(t) do
    if mtype(k) ~= "integer" or k < 1 or k > n then return false end
    count = count + 1
  end
  return count == n and n > 0
end

local function has_tostring(v)
  local mt = getmetatable(v)
  return type(mt) == "table" and rawget(mt, "__tostring") ~= nil
end

-- An array of tables keyed by strings: shown as an aligned table.
local function is_records(t)
  if not is_array(t) then return false end
  for _, row in ipairs(t) do
    if type(row) ~= "table" or has_tostring(row) or next(row) == nil then return false end
    for k in pairs(row) do
      if type(k) ~= "string" then return false end
    end
  end
  return true
end

local function default_columns(rows)
  local seen, others, columns = {}, {}, {}
  for _, row in ipairs(rows) do
    if type(row) == "table" then
      for k in pairs(row) do
        if type(k) == "string" and not seen[k] then seen[k] = true; others[#others + 1] = k end
      end
    end
  end
  local first = {}
  for _, name in ipairs(IDENTIFYING) do
    if seen[name] then columns[#columns + 1] = name; first[name] = true end
  end
  sort(others)
  for _, name in ipairs(others) do
    if not first[name] then columns[#columns + 1] = name end
  end
  return columns
end

local function cell(v, limit)
  local t = type(v)
  local text
  if v == nil or v == json_null then return ""
  elseif t == "string" then text = v
  elseif t == "table" and not has_tostring(v) then
    local ok, encoded = pcall(json.encode, v)
    text = ok and encoded or tostring(v)
  else text = tostring(v) end
  text = text:gsub("[\r\n\t]", { ["\r"] = "\\r", ["\n"] = "\\n", ["\t"] = "\\t" })
  if limit then text = cut(text, limit) end
  return text
end

-- rows: array of tables; columns: array of names (default: every key, identifying ones first).
-- fit: { width = N, cell = N } trims cells and drops the columns that do not fit (pp).
local function tabulate(rows, columns, fit)
  if type(rows) ~= "table" then
    error(("bad argument #1 to 'tabulate' (table expected, got %s)"):format(type(rows)), 2)
  end
  if columns ~= nil and type(columns) ~= "table" then
    error(("bad argument #2 to 'tabulate' (table expected, got %s)"):format(type(columns)), 2)
  end
  columns = columns or default_columns(rows)
  local names, cells, widths, numeric = {}, {}, {}, {}
  for c, name in ipairs(columns) do
    names[c] = tostring(name)
    widths[c] = width(names[c])
    numeric[c] = true
  end
  for r, row in ipairs(rows) do
    local line = {}
    for c, name in ipairs(columns) do
      local v = type(row) == "table" and row[name] or nil
      local text = cell(v, fit and fit.cell)
      if v ~= nil and v ~= json_null and type(v) ~= "number" then numeric[c] = false end
      line[c] = text
      if width(text) > widths[c] then widths[c] = width(text) end
    end
    cells[r] = line
  end
  -- Too wide for the terminal: narrow the widest columns first (down to MIN_SHRUNK), so a long
  -- id gives room to starts_at rather than pushing it out; drop columns only after that.
  if fit and fit.width then
    local over = -fit.width
    for c = 1, #names do over = over + widths[c] + (c > 1 and 2 or 0) end
    while over > 0 do
      local widest
      for c = 1, #names do
        if widths[c] > MIN_SHRUNK and (not widest or widths[c] > widths[widest]) then widest = c end
      end
      if not widest then break end
      local by = math.min(over, widths[widest] - MIN_SHRUNK)
      widths[widest] = widths[widest] - by
      over = over - by
    end
    for r = 1, #cells do
      for c = 1, #names do
        if width(cells[r][c]) > widths[c] then cells[r][c] = cut(cells[r][c], widths[c]) end
      end
    end
    for c = 1, #names do
      if width(names[c]) > widths[c] then names[c] = cut(names[c], widths[c]) end
    end
  end
  local shown, total = #names, 0
  if fit and fit.width then
    for c = 1, #names do
      total = total + widths[c] + (c > 1 and 2 or 0)
      if total > fit.width and c > 1 then shown = c - 1; break end
    end
  end
  local function format(line)
    local parts = {}
    for c = 1, shown do
      local text = line[c]
      local pad = (" "):rep(widths[c] - width(text))
      parts[c] = numeric[c] and pad .. text or text .. pad
    end
    return (concat(parts, "  "):gsub("%s+$", ""))
  end
  local out = { format(names) }
  local rule = {}
  for c = 1, shown do rule[c] = ("-"):rep(widths[c]) end
  out[2] = concat(rule, "  ")
  for r = 1, #cells do out[#out + 1] = format(cells[r]) end
  if shown < #names then
    local left = {}
    for c = shown + 1, #names do left[#left + 1] = names[c] end
    out[#out + 1] = ("(%d more column%s: %s)"):format(#left, #left == 1 and "" or "s", concat(left, ", "))
  end
  return concat(out, "\n")
end

local function key_order(a, b)
  local ta, tb = type(a), type(b)
  if ta == "number" and tb == "number" then return a < b end
  if ta == "number" then return true end
  if tb == "number" then return false end
  if ta == "string" and tb == "string" then return a < b end
  if ta == "string" then return true end
  if tb == "string" then return false end
  return tostring(a) < tostring(b)
end

local function render_key(k)
  if type(k) == "string" then
    if k:match("^[%a_][%w_]*$") and not KEYWORDS[k] then return k end
    return "[" .. quote(k) .. "]"
  end
  if type(k) == "table" then return "[" .. tostring(k) .. "]" end
  return "[" .. tostring(k) .. "]"
end

local columns = internal.columns
local function terminal_width()
  return columns() or tonumber(os.getenv("COLUMNS") or "") or 160
end

local render

local function render_table(t, indent, visiting, limits)
  if visiting[t] then return "<cycle>" end
  if has_tostring(t) then return tostring(t) end
  if next(t) == nil then return "{}" end
  visiting[t] = true
  local inner = indent .. "  "
  local result
  if is_records(t) then
    local fit = limits.fit and { width = terminal_width() - #indent, cell = limits.cell } or nil
    local text
    local n = #t
    if limits.items and n > limits.items then
      local head = {}
      for i = 1, limits.items do head[i] = t[i] end
      text = tabulate(head, default_columns(t), fit) .. ("\n... (%d more rows)"):format(n - limits.items)
    else
      text = tabulate(t, nil, fit)
    end
    result = indent == "" and text or ("\n" .. text):gsub("\n", "\n" .. inner)
  else
    local keys, n = {}, 0
    for k in pairs(t) do n = n + 1; keys[n] = k end
    sort(keys, key_order)
    local array = is_array(t)
    local parts, simple, length = {}, true, 0
    local shown = limits.items and math.min(n, limits.items) or n
    for i = 1, shown do
      local k = keys[i]
      local v = t[k]
      local text = render(v, inner, visiting, limits)
      if text:find("\n", 1, true) then simple = false end
      if not array then text = render_key(k) .. " = " .. text end
      parts[i] = text
      length = length + #text + 2
    end
    if n > shown then
      parts[#parts + 1] = ("... (%d more %s)"):format(n - shown, array and "items" or "fields")
    end
    if simple and length + #indent <= 80 then
      result = "{" .. concat(parts, ", ") .. "}"
    else
      result = "{\n" .. inner .. concat(parts, ",\n" .. inner) .. "\n" .. indent .. "}"
    end
  end
  visiting[t] = nil
  return result
end

render = function(v, indent, visiting, limits)
  local t = type(v)
  if t == "string" then return quote(v) end
  if v == json_null then return "json.null" end
  if t == "table" then return render_table(v, indent, visiting, limits) end
  return tostring(v)
end

-- The rendering of one value: folded as pp shows it (cut to MAX_LINES lines), or whole.
local function render_value(v, limits)
  limits = limits or FOLDED
  local text = render(v, "", {}, limits)
  if not limits.lines then return text end
  local count, cut_at = 0, nil
  for i in text:gmatch("()\n") do
    count = count + 1
    if count == limits.lines then cut_at = i end
  end
  if cut_at then
    return text:sub(1, cut_at - 1) .. ("\n... (%d more lines)"):format(count + 1 - limits.lines)
  end
  return text
end
internal.register_render(function(v) return render_value(v) end)

function pp(...)
  local n = select("#", ...)
  local parts, multiline = {}, false
  for i = 1, n do
    parts[i] = render_value((select(i, ...)))
    if parts[i]:find("\n") then multiline = true end
  end
  if n == 0 then return end
  io.write(concat(parts, multiline and "\n" or "\t"), "\n")
end

coclick.tabulate = function(rows, columns) return tabulate(rows, columns) end

local function join(...)
  local parts = {}
  for i = 1, select("#", ...) do parts[i] = tostring((select(i, ...))) end
  return concat(parts, " ")
end
local write_log = internal.log
log = {
  info = function(...) write_log("INFO", join(...)) end,
  warn = function(...) write_log("WARN", join(...)) end,
  error = function(...) write_log("ERROR", join(...)) end,
}

local function csv_field(v, r, name)
  local t = type(v)
  if v == nil or v == json_null then return "" end
  if t == "string" then return v end
  if t == "number" or t == "boolean" then return tostring(v) end
  if t == "table" then
    if has_tostring(v) then return tostring(v) end
    return json.encode(v)
  end
  error(("csv.encode: cannot write a %s value (row %d, column %s)"):format(t, r, tostring(name)), 3)
end

local csv_encode_rows = internal.csv_encode
function csv.encode(rows, columns)
  if type(rows) ~= "table" then
    error(("bad argument #1 to 'encode' (table expected, got %s)"):format(type(rows)), 2)
  end
  if columns ~= nil and type(columns) ~= "table" then
    error(("bad argument #2 to 'encode' (table expected, got %s)"):format(type(columns)), 2)
  end
  columns = columns or default_columns(rows)
  local header, out = {}, {}
  for c, name in ipairs(columns) do header[c] = tostring(name) end
  for r, row in ipairs(rows) do
    if type(row) ~= "table" then
      error(("csv.encode: row %d is a %s, not a table"):format(r, type(row)), 2)
    end
    local fields = {}
    for c, name in ipairs(columns) do fields[c] = csv_field(row[name], r, name) end
    out[r] = fields
  end
  return csv_encode_rows(header, out)
end

-- The results of eval, -e and api as the command line prints them (-o FORMAT), by the same
-- renderers scripts use: pp's for pretty, json.encode, csv.encode, tabulate. With `whole`
-- (standard output is not a terminal) nothing is cut.
local function is_sequence(v)
  if type(v) ~= "table" or has_tostring(v) then return false end
  return next(v) == nil or is_array(v)
end

local function json_line(v, i)
  local ok, text = pcall(json.encode, v)
  if not ok then error(("result %d has no JSON form: %s"):format(i, tostring(text)), 0) end
  return text .. "\n"
end

-- An array of tables as it is; one record (a table with string keys) as a single row.
local function rows_of(v, i, format)
  if type(v) == "table" and not has_tostring(v) then
    if next(v) == nil then return {} end
    if not is_array(v) then return { v } end
    for r, row in ipairs(v) do
      if type(row) ~= "table" then
        error(("-o %s: item %d of result %d is a %s, not a table"):format(format, r, i, type(row)), 0)
      end
    end
    return v
  end
  error(("-o %s: result %d is a %s, not an array of tables"):format(format, i, type(v)), 0)
end

-- As jq -r: a string as it is, anything else as JSON (tostring when it has no JSON form).
local function raw_text(v)
  if type(v) == "string" then return v end
  local ok, text = pcall(json.encode, v)
  return ok and text or tostring(v)
end

local OUTPUT = {
  pretty = function(v, _, whole) return render_value(v, whole and WHOLE or FOLDED) .. "\n" end,
  json = json_line,
  ndjson = function(v, i)
    if not is_sequence(v) then return json_line(v, i) end
    local out = {}
    for k, item in ipairs(v) do out[k] = json_line(item, i) end
    return concat(out)
  end,
  csv = function(v, i)
    local rows = rows_of(v, i, "csv")
    return #rows == 0 and "" or csv.encode(rows)
  end,
  table = function(v, i)
    local rows = rows_of(v, i, "table")
    return #rows == 0 and "" or tabulate(rows) .. "\n"
  end,
  raw = function(v)
    if not is_sequence(v) then return raw_text(v) .. "\n" end
    local out = {}
    for k, item in ipairs(v) do out[k] = raw_text(item) .. "\n" end
    return concat(out)
  end,
}

internal.register_output(function(format, whole, n, ...)
  local render_one = OUTPUT[format]
  if not render_one then error(("unknown output format %q"):format(tostring(format)), 0) end
  -- One CSV text holds one table: further results (list's page info, say) would make it unreadable.
  if format == "csv" and n > 1 then
    io.stderr:write(("coclick: -o csv prints the first result only; %d more not printed "
      .. "(parentheses around the expression keep only the first)\n"):format(n - 1))
    n = 1
  end
  local out = {}
  for i = 1, n do out[i] = render_one((select(i, ...)), i, whole) end
  return concat(out)
end)
"""#
}
