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
local MIN_SHRUNK = 12        -- pp narrows wide columns down to this before showing records
local WHOLE = { id = true, token = true }  -- never cut in pp's tables: ids are copied from there

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

-- The rows and columns arguments of tabulate and csv.encode, refused in luaL_argerror's words
-- at the caller of `name` (level 3); columns default to every key, identifying ones first.
local function rows_and_columns(name, rows, columns)
  if type(rows) ~= "table" then
    error(("bad argument #1 to '%s' (table expected, got %s)"):format(name, type(rows)), 3)
  end
  if columns ~= nil and type(columns) ~= "table" then
    error(("bad argument #2 to '%s' (table expected, got %s)"):format(name, type(columns)), 3)
  end
  return columns or default_columns(rows)
end

-- rows: array of tables; columns: array of names (default: every key, identifying ones first).
-- fit: { width = N, cell = N } (pp) trims cells to fit the width, never those of an id column,
-- and returns nil when even narrowed the table cannot fit (pp shows records then).
local function tabulate(rows, columns, fit)
  columns = rows_and_columns("tabulate", rows, columns)
  local names, cells, widths, numeric, whole = {}, {}, {}, {}, {}
  for c, name in ipairs(columns) do
    names[c] = tostring(name)
    widths[c] = width(names[c])
    numeric[c] = true
    whole[c] = fit ~= nil and WHOLE[name] == true
  end
  for r, row in ipairs(rows) do
    local line = {}
    for c, name in ipairs(columns) do
      local v = type(row) == "table" and row[name] or nil
      local text = cell(v, fit and not whole[c] and fit.cell or nil)
      if v ~= nil and v ~= json_null and type(v) ~= "number" then numeric[c] = false end
      line[c] = text
      if width(text) > widths[c] then widths[c] = width(text) end
    end
    cells[r] = line
  end
  -- Too wide for the terminal: narrow the widest of the other columns first, down to the next
  -- widest, then together (down to MIN_SHRUNK), so that every column keeps what room there is.
  if fit and fit.width then
    local over = -fit.width
    for c = 1, #names do over = over + widths[c] + (c > 1 and 2 or 0) end
    while over > 0 do
      local widest, next_width = nil, MIN_SHRUNK
      for c = 1, #names do
        if not whole[c] and widths[c] > MIN_SHRUNK then
          if not widest or widths[c] > widths[widest] then
            if widest then next_width = math.max(next_width, widths[widest]) end
            widest = c
          elseif widths[c] > next_width then
            next_width = widths[c]
          end
        end
      end
      if not widest then return nil end
      local by = math.max(1, math.min(over, widths[widest] - next_width))
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
  local function format(line)
    local parts = {}
    for c = 1, #names do
      local text = line[c]
      local pad = (" "):rep(widths[c] - width(text))
      parts[c] = numeric[c] and pad .. text or text .. pad
    end
    return (concat(parts, "  "):gsub("%s+$", ""))
  end
  local out = { format(names) }
  local rule = {}
  for c = 1, #names do rule[c] = ("-"):rep(widths[c]) end
  out[2] = concat(rule, "  ")
  for r = 1, #cells do out[#out + 1] = format(cells[r]) end
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

-- Fields of a record: identifying ones first (as table columns), then the others in order.
local RANK = {}
for i, name in ipairs(IDENTIFYING) do RANK[name] = i end
local function field_order(a, b)
  local ra, rb = RANK[a], RANK[b]
  if ra or rb then return (ra or huge) < (rb or huge) end
  return key_order(a, b)
end

local function render_key(k)
  if type(k) == "string" then
    if k:match("^[%a_][%w_]*$") and not KEYWORDS[k] then return k end
    return "[" .. quote(k) .. "]"
  end
  if type(k) == "table" then return "[" .. tostring(k) .. "]" end
  return "[" .. tostring(k) .. "]"
end

-- What the rendering under way may show (render_value sets them for one call). `fit` false:
-- everything, as it is (an eval result going to a file or a pipe, where nothing may be cut).
local limits = { items = MAX_ITEMS, lines = MAX_LINES, fit = true }
local width_override

local columns = internal.columns
local function terminal_width()
  return width_override or columns() or tonumber(os.getenv("COLUMNS") or "") or 160
end

-- A table of named fields (no array part, no __tostring): what a record view shows.
local function is_dict(t)
  if has_tostring(t) or next(t) == nil then return false end
  for k in pairs(t) do
    if type(k) ~= "string" then return false end
  end
  return true
end

-- A meeting (or any record identified by an id): shown as a record at the top level.
local function is_identified(t)
  return is_dict(t) and (type(rawget(t, "id")) == "string" or type(rawget(t, "token")) == "string")
end

local render, render_record

-- `field  value`, one line each (as psql's \x): scalars as table cells show them (strings
-- unquoted, ids whole); a nested record below its field, indented; other tables as pp shows them.
render_record = function(t, indent, visiting)
  visiting[t] = true
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  sort(keys, field_order)
  local names, key_width = {}, 0
  for i, k in ipairs(keys) do
    names[i] = type(k) == "string" and k or render_key(k)
    if width(names[i]) > key_width then key_width = width(names[i]) end
  end
  local inner = indent .. "  "
  local lines = {}
  for i = 1, math.min(#keys, limits.items) do
    local v = t[keys[i]]
    local head = indent .. names[i]
    local text
    if type(v) == "table" and not has_tostring(v) then
      if visiting[v] then
        text = "<cycle>"
      elseif next(v) == nil then
        text = "{}"
      elseif is_dict(v) then
        lines[#lines + 1] = head
        lines[#lines + 1] = render_record(v, inner, visiting)
        text = nil
      elseif is_records(v) then
        -- An aligned table below the field, fitted to the room left of the indentation.
        local saved_width = width_override
        width_override = limits.fit and terminal_width() - #inner or nil
        local ok, body = pcall(render, v, "", visiting)
        width_override = saved_width
        if not ok then error(body, 0) end
        lines[#lines + 1] = head
        lines[#lines + 1] = inner .. body:gsub("\n", "\n" .. inner)
        text = nil
      else
        text = render(v, indent, visiting)
        if text:find("\n", 1, true) then
          lines[#lines + 1] = head
          lines[#lines + 1] = inner .. render(v, inner, visiting)
          text = nil
        end
      end
    elseif v == json_null then
      text = "null"
    else
      text = cell(v)
    end
    if text then
      lines[#lines + 1] = (head .. (" "):rep(key_width - width(names[i])) .. "  " .. text):gsub("%s+$", "")
    end
  end
  if #keys > limits.items then
    lines[#lines + 1] = indent .. ("... (%d more fields)"):format(#keys - limits.items)
  end
  visiting[t] = nil
  return concat(lines, "\n")
end

-- An array of records too wide for the screen: each row as a record under a `-[ n ]` rule.
local function render_rows_as_records(t, indent, visiting)
  local out = {}
  local n = math.min(#t, limits.items)
  local rule_width = math.max(0, math.min(40, terminal_width() - #indent) - 6)
  for i = 1, n do
    local label = "-[ " .. i .. " ]"
    out[#out + 1] = indent .. label .. ("-"):rep(math.max(0, rule_width - #label))
    out[#out + 1] = render_record(t[i], indent, visiting)
  end
  if #t > n then out[#out + 1] = indent .. ("... (%d more rows)"):format(#t - n) end
  return concat(out, "\n")
end

local function render_table(t, indent, visiting)
  if visiting[t] then return "<cycle>" end
  if has_tostring(t) then return tostring(t) end
  if next(t) == nil then return "{}" end
  if indent == "" and is_identified(t) then return render_record(t, indent, visiting) end
  visiting[t] = true
  local inner = indent .. "  "
  local result
  if is_records(t) then
    local n = #t
    local head = t
    if n > limits.items then
      head = {}
      for i = 1, limits.items do head[i] = t[i] end
    end
    local room = terminal_width() - (indent == "" and 0 or #inner)
    local fit = limits.fit and { width = room, cell = MAX_CELL } or nil
    local text = tabulate(head, default_columns(t), fit)
    if text then
      if n > limits.items then text = text .. ("\n... (%d more rows)"):format(n - limits.items) end
      result = indent == "" and text or ("\n" .. text):gsub("\n", "\n" .. inner)
    else
      visiting[t] = nil
      local rows = render_rows_as_records(t, indent == "" and "" or inner, visiting)
      return indent == "" and rows or "\n" .. rows
    end
  else
    local keys, n = {}, 0
    for k in pairs(t) do n = n + 1; keys[n] = k end
    sort(keys, key_order)
    local array = is_array(t)
    local parts, simple, length = {}, true, 0
    for i = 1, math.min(n, limits.items) do
      local k = keys[i]
      local v = t[k]
      local text = render(v, inner, visiting)
      if text:find("\n", 1, true) then simple = false end
      if not array then text = render_key(k) .. " = " .. text end
      parts[i] = text
      length = length + #text + 2
    end
    if n > limits.items then
      parts[#parts + 1] = ("... (%d more %s)"):format(n - limits.items, array and "items" or "fields")
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

render = function(v, indent, visiting)
  local t = type(v)
  if t == "string" then return quote(v) end
  if v == json_null then return "json.null" end
  if t == "table" then return render_table(v, indent, visiting) end
  return tostring(v)
end

-- The whole rendering of one value, cut to `lines` lines. options (the REPL's): { items = N
-- (rows or fields per table), lines = N, width = N (columns, else the terminal's) }; or
-- { whole = true }: nothing cut, folded or narrowed (eval's output to a file or a pipe).
local function render_value(v, options)
  local saved_limits, saved_width = limits, width_override
  if type(options) == "table" and options.whole then
    limits = { items = math.huge, lines = math.huge, fit = false }
    width_override = nil
  elseif type(options) == "table" then
    limits = { items = tonumber(options.items) or MAX_ITEMS, lines = tonumber(options.lines) or MAX_LINES, fit = true }
    width_override = tonumber(options.width)
  end
  local max_lines = limits.lines
  local ok, text = pcall(render, v, "", {})
  limits, width_override = saved_limits, saved_width
  if not ok then error(text, 0) end
  local count, cut_at = 0, nil
  for i in text:gmatch("()\n") do
    count = count + 1
    if count == max_lines then cut_at = i end
  end
  if cut_at then
    return text:sub(1, cut_at - 1) .. ("\n... (%d more lines)"):format(count + 1 - max_lines)
  end
  return text
end
internal.register_render(render_value)

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
  columns = rows_and_columns("encode", rows, columns)
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
  pretty = function(v, _, whole) return render_value(v, whole and { whole = true } or nil) .. "\n" end,
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
