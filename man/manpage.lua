-- Renders coclick(1) in man(7) from the argument parser's own definitions, so that the page
-- never drifts from --help: scripts/install runs
--   coclick --experimental-dump-help | coclick run man/manpage.lua EXTRA.man "coclick 0.2.0 (abc1234)"
-- The dump (ArgumentParser's ToolInfo, serialization version 0) comes on standard input; the
-- hand-kept sections in EXTRA.man (Lua API, exit status, environment, files) follow it.
-- SOURCE_DATE_EPOCH, when set, dates the page (reproducible builds); otherwise today.
local extra_path, version_line = ...
if not extra_path or not version_line then
  io.stderr:write("usage: coclick --experimental-dump-help | coclick run manpage.lua EXTRA.man VERSION-LINE\n")
  os.exit(2)
end

local tool = json.decode(io.read("a"))
if type(tool) ~= "table" or tool.serializationVersion ~= 0 or type(tool.command) ~= "table" then
  error("manpage.lua: not an ArgumentParser help dump of serialization version 0")
end
local root = tool.command

local out = {}
local function emit(line) out[#out + 1] = line end

-- Text for roff: backslashes escaped, and a line that would start with a control character
-- (. or ') protected, so that help text can never be read as a request.
local function text(s)
  s = s:gsub("\\", "\\e")
  return (s:gsub("^([.'])", "\\&%1"):gsub("\n([.'])", "\n\\&%1"))
end

-- An option's names as the user types them, hyphens as real minus signs.
local function names(argument)
  local list = {}
  for _, name in ipairs(argument.names or {}) do
    local dashes = name.kind == "long" and "--" or "-"
    list[#list + 1] = "\\fB" .. (dashes .. name.name):gsub("%-", "\\-") .. "\\fR"
  end
  return table.concat(list, ", ")
end

local function term(argument)
  if argument.kind == "positional" then
    local shown = "\\fI" .. text(argument.valueName or "value") .. "\\fR"
    return argument.isRepeating and shown .. " ..." or shown
  end
  local shown = names(argument)
  if argument.kind == "option" then shown = shown .. " \\fI" .. text(argument.valueName or "value") .. "\\fR" end
  return shown
end

-- Help text: paragraphs split on blank lines; indented lines (a list, an example) are kept
-- as they are written, the others are filled by the formatter.
local function paragraphs(s)
  local first = true
  for block in (s .. "\n\n"):gmatch("(.-)\n\n+") do
    if block:match("%S") then
      if not first then emit(".PP") end
      first = false
      local verbatim = false
      for line in (block .. "\n"):gmatch("(.-)\n") do
        local indented = line:match("^%s") ~= nil
        if indented and not verbatim then emit(".nf"); emit(".RS 4") end
        if verbatim and not indented then emit(".RE"); emit(".fi") end
        verbatim = indented
        emit(text(line))
      end
      if verbatim then emit(".RE"); emit(".fi") end
    end
  end
end

local function describe(argument)
  emit(".TP")
  emit(term(argument))
  local help = argument.abstract or ""
  if argument.defaultValue and argument.kind == "option" then
    help = help .. " (default: " .. argument.defaultValue .. ")"
  end
  emit(text(help))
  if argument.discussion and argument.discussion ~= "" then
    emit(".IP")
    paragraphs(argument.discussion)
  end
end

local function key(argument)
  local preferred = argument.preferredName or (argument.names or {})[1]
  return preferred and (preferred.kind .. ":" .. preferred.name) or nil
end

local function shown(arguments)
  local list = {}
  for _, argument in ipairs(arguments or {}) do
    if argument.shouldDisplay ~= false then list[#list + 1] = argument end
  end
  return list
end

-- The root's options are global: every command accepts them, so each command lists only its own.
local global = {}
for _, argument in ipairs(root.arguments or {}) do
  local k = key(argument)
  if k then global[k] = true end
end

local function synopsis(path, command)
  local words = { "\\fB" .. text(table.concat(path, " ")) .. "\\fR", "[\\fIoptions\\fR]" }
  for _, argument in ipairs(shown(command.arguments)) do
    if argument.kind == "positional" then
      local t = term(argument)
      words[#words + 1] = argument.isOptional and "[" .. t .. "]" or t
    end
  end
  return table.concat(words, " ")
end

local epoch = tonumber(os.getenv("SOURCE_DATE_EPOCH") or "") or os.time()
local name = root.commandName
emit(('.TH %s 1 "%s" "%s" "User Commands"'):format(name:upper(), os.date("!%Y-%m-%d", epoch), text(version_line)))
emit(".SH NAME")
emit(name .. " \\- " .. text(root.abstract or ""))

emit(".SH SYNOPSIS")
emit(synopsis({ name }, root))
for _, command in ipairs(root.subcommands or {}) do
  if command.shouldDisplay ~= false and command.commandName ~= "help" then
    emit(".br")
    emit(synopsis({ name, command.commandName }, command))
  end
end

emit(".SH DESCRIPTION")
paragraphs(root.discussion or root.abstract or "")

emit(".SH OPTIONS")
for _, argument in ipairs(shown(root.arguments)) do describe(argument) end

local function commands(path, command)
  for _, sub in ipairs(command.subcommands or {}) do
    if sub.shouldDisplay ~= false and sub.commandName ~= "help" then
      local full = { table.unpack(path) }
      full[#full + 1] = sub.commandName
      emit(".SS " .. text(table.concat(full, " ")))
      emit(text(sub.abstract or ""))
      if sub.discussion and sub.discussion ~= "" then
        emit(".PP")
        paragraphs(sub.discussion)
      end
      for _, argument in ipairs(shown(sub.arguments)) do
        local k = key(argument)
        if not (k and global[k]) then describe(argument) end
      end
      commands(full, sub)
    end
  end
end
emit(".SH COMMANDS")
commands({ name }, root)

local file, err = io.open(extra_path, "r")
if not file then error("manpage.lua: " .. err) end
local extra = file:read("a")
file:close()

io.write(table.concat(out, "\n"), "\n", extra)
