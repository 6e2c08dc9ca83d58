-- A pandoc Lua "server" for the escaping property tests (tests/test_security_render.py):
-- reads one JSON request per line on stdin, {"markdown": ..., "from": ..., "docx": path},
-- parses the markdown as the renderer does (crossref.lua first), runs the project's Lua filters
-- for each writer
-- and answers one JSON line: the parsed AST, the Typst source (and the AST pandoc's own
-- Typst reader reads back from it), the HTML, and the DOCX written to `docx`.
-- One process serves every example, so hundreds of examples take seconds.

local templates = arg[1]

local function filtered(doc, name)
  local path = pandoc.path.join({templates, name})
  local env = setmetatable({PANDOC_SCRIPT_FILE = path}, {__index = _G})
  return pandoc.utils.run_lua_filter(doc:clone(), path, env)
end

for line in io.lines() do
  local req = pandoc.json.decode(line, false)
  local ok, answer = pcall(function()
    local doc = filtered(pandoc.read(req.markdown, req.from), "crossref.lua")
    local typ_doc = filtered(doc, "typst.lua")
    local typst = pandoc.write(typ_doc, "typst")
    local out = {
      ast = pandoc.json.decode(pandoc.write(doc, "json"), false),
      typst = typst,
      typst_back = pandoc.json.decode(pandoc.write(pandoc.read(typst, "typst"), "json"), false),
      html = pandoc.write(filtered(doc, "html.lua"), "html5"),
    }
    if req.docx then
      local fh = io.open(req.docx, "wb")
      fh:write(pandoc.write(filtered(doc, "docx.lua"), "docx"))
      fh:close()
    end
    return out
  end)
  if not ok then
    answer = {error = tostring(answer)}
  end
  io.write(pandoc.json.encode(answer), "\n")
  io.stdout:flush()
end
