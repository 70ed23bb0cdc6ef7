-- lua5.4 scripts/icu-data.lua IN.dat OUT.dat: writes OUT, a copy of ICU's common data package IN
-- (the toolchain's icudtNNl.dat, 34 MB) that keeps what a tool speaking English needs: the root
-- and English locales of every tree, the pools and indexes they refer to, normalization, time
-- zones, root collation and the Unicode tables. It drops the 5.7 MB of legacy converters
-- (UTF-8, UTF-16/32, ASCII and Latin-1 are algorithmic and stay), the other locales, the
-- dictionaries of CJK/Thai/Khmer/Lao/Burmese word breaking and the transliterators. A locale that
-- is not here falls back to root, as ICU does for any missing locale.
--
-- The package format (ICU's "CmnD" common data, udatamem/ucmndata): a DataHeader of headerSize
-- bytes, then a table of contents (uint32 count, count pairs of uint32 offsets, name and data,
-- relative to the table), the names (sorted: ICU looks them up by binary search), then each
-- item, 16-byte aligned. Written here so that the release build needs no icupkg: Debian's
-- (ICU 72) refuses the toolchain's package ("total length of item name strings too long").

local input, output = arg[1], arg[2]
if not input or not output then
  io.stderr:write("usage: lua5.4 scripts/icu-data.lua IN.dat OUT.dat\n")
  os.exit(2)
end

local function fail(message)
  io.stderr:write("icu-data: ", message, "\n")
  os.exit(1)
end

local file = assert(io.open(input, "rb"))
local data = file:read("a")
file:close()

local header_size, magic1, magic2 = string.unpack("<I2BB", data, 1)
if magic1 ~= 0xda or magic2 ~= 0x27 then fail(input .. " is not ICU data") end
if data:sub(13, 16) ~= "CmnD" then fail(input .. " is not an ICU common data package (CmnD)") end
if data:byte(9) ~= 0 then fail(input .. " is big-endian; only little-endian packages are handled") end

local toc = header_size + 1  -- Lua index of the table of contents
local count = string.unpack("<I4", data, toc)
local items = {}
for i = 0, count - 1 do
  local name_offset, data_offset = string.unpack("<I4I4", data, toc + 4 + 8 * i)
  local name = string.unpack("z", data, toc + name_offset)
  items[#items + 1] = { name = name, offset = data_offset }
end
for i, item in ipairs(items) do
  local next_offset = items[i + 1] and items[i + 1].offset or (#data - header_size)
  item.bytes = data:sub(toc + item.offset, toc + next_offset - 1)
end

-- Locales kept in every tree; their parents are root and en.
local kept_locales = { root = true, en = true, en_US = true, en_US_POSIX = true, en_001 = true }

local function keep(path)  -- path without the package's "icudtNNl/" prefix
  local tree, leaf = path:match("^(.-)/?([^/]+)$")
  local base, extension = leaf:match("^(.*)%.([^.]+)$")
  if extension == "cnv" then return false end          -- legacy code pages
  if extension == "dict" then return false end         -- dictionary-based word breaking
  if tree == "translit" then return false end
  if tree == "brkitr" and extension == "brk" then
    -- rules for CJK line breaking and per-language variants go; the base rules stay
    return not base:find("_")  or base == "word_POSIX"
  end
  if extension ~= "res" then return true end           -- Unicode tables, normalization, collation
  if base == "pool" or base == "res_index" then return true end
  if kept_locales[base] then return true end
  -- Locale bundles are named like de, en_GB, sr_Latn_BA, de__PHONEBOOK; everything else (supplementalData,
  -- zoneinfo64, metaZones, likelySubtags, plurals, ...) is data that every locale uses.
  local is_locale = base:match("^%l%l%l?$") or base:match("^%l%l%l?_")
  return not is_locale
end

local kept = {}
local prefix
for _, item in ipairs(items) do
  local package_prefix, path = item.name:match("^([^/]+)/(.+)$")
  if not package_prefix then fail("unexpected item name " .. item.name) end
  prefix = prefix or package_prefix
  if keep(path) then kept[#kept + 1] = item end
end
table.sort(kept, function(a, b) return a.name < b.name end)

-- Layout: header, count, offsets, names, padding to 16, items each padded to 16.
local names = {}
local names_start = 4 + 8 * #kept
local name_offsets = {}
local length = names_start
for i, item in ipairs(kept) do
  name_offsets[i] = length
  names[#names + 1] = item.name .. "\0"
  length = length + #item.name + 1
end
local function align16(n) return (n + 15) // 16 * 16 end
local data_offsets = {}
local offset = align16(header_size + length) - header_size
for i, item in ipairs(kept) do
  -- offsets are from the table, which starts after a 16-aligned header: keep items 16-aligned
  data_offsets[i] = offset
  offset = align16(header_size + offset + #item.bytes) - header_size
end

local parts = { data:sub(1, header_size), string.pack("<I4", #kept) }
for i = 1, #kept do parts[#parts + 1] = string.pack("<I4I4", name_offsets[i], data_offsets[i]) end
parts[#parts + 1] = table.concat(names)
local written = header_size + length
for i, item in ipairs(kept) do
  local at = header_size + data_offsets[i]
  parts[#parts + 1] = string.rep("\0", at - written)
  parts[#parts + 1] = item.bytes
  written = at + #item.bytes
end
parts[#parts + 1] = string.rep("\0", align16(written) - written)

local out = assert(io.open(output, "wb"))
assert(out:write(table.concat(parts)))
assert(out:close())
io.stderr:write(string.format("icu-data: kept %d of %d items of %s, %.1f of %.1f MB\n",
  #kept, #items, prefix or "?", align16(written) / 1e6, #data / 1e6))
