-- skm.render, DOCX pass (shared.lua): table columns at least as wide as their longest word, so
-- that Word and LibreOffice do not break "No." or "2023" inside the word; tables without
-- widths sized to their content, as the PDF sizes them, instead of split into equal columns;
-- Quarto's fig-alt as the image description.
--
-- Signature block (div .ttd): every line its own paragraph in the "Tanda Tangan" style of
-- reference.docx (left-aligned in the right half). Lines joined by manual breaks in one
-- paragraph would take the paragraph's justification and be stretched across the line.
--
-- Cover: written here, in the PDF cover's order (template.typ): agency, title, subtitle,
-- period, logo, authors, unit, address, year, each on its own line. Pandoc's own title block
-- (title, subtitle, author, date in a fixed order) is switched off by removing those keys;
-- skm.render.docx puts the title and authors back into the document properties.

local shared = dofile(pandoc.path.join({pandoc.path.directory(PANDOC_SCRIPT_FILE), "shared.lua"}))

local SIGNATURE_STYLE = "Tanda Tangan"
local SIGNATURE_STYLE_ID = "TandaTangan"

-- The lines of a paragraph split at its line breaks (SoftBreak is a space, not a line).
local function lines_of(inlines)
  local lines, current = {}, pandoc.Inlines({})
  for _, el in ipairs(inlines) do
    if el.t == "LineBreak" then
      lines[#lines + 1] = current
      current = pandoc.Inlines({})
    else
      current:insert(el)
    end
  end
  lines[#lines + 1] = current
  return lines
end

local function is_blank(inlines)
  for _, el in ipairs(inlines) do
    if el.t ~= "Space" and el.t ~= "SoftBreak" then
      return false
    end
  end
  return true
end

local EMPTY_LINE = '<w:p><w:pPr><w:pStyle w:val="' .. SIGNATURE_STYLE_ID .. '" /></w:pPr></w:p>'

local function signature(div)
  if not div.classes:includes("ttd") then
    return nil
  end
  -- an empty line with space above: the block never touches the text before it
  local blocks = pandoc.Blocks({pandoc.RawBlock("openxml", '<w:p><w:pPr><w:pStyle w:val="'
    .. SIGNATURE_STYLE_ID .. '" /><w:spacing w:before="240" /></w:pPr></w:p>')})
  for _, block in ipairs(div.content) do
    if block.t == "Para" or block.t == "Plain" then
      local lines = lines_of(block.content)
      while #lines > 0 and is_blank(lines[#lines]) do
        table.remove(lines)  -- a trailing break ends the last line, it is not a line
      end
      for _, line in ipairs(lines) do
        if is_blank(line) then
          blocks:insert(pandoc.RawBlock("openxml", EMPTY_LINE))
        else
          blocks:insert(pandoc.Para(line))
        end
      end
    else
      blocks:insert(block)
    end
  end
  div.content = blocks
  div.attributes["custom-style"] = SIGNATURE_STYLE
  return div
end

local function meta_text(value)
  if value == nil then
    return nil
  end
  local t = pandoc.utils.type(value)
  if t == "Inlines" then
    return value
  elseif t == "Blocks" then
    return pandoc.utils.blocks_to_inlines(value)
  elseif t == "string" then
    return pandoc.Inlines({pandoc.Str(value)})
  end
  return pandoc.Inlines({pandoc.Str(pandoc.utils.stringify(value))})
end

local function meta_list(value)
  if value == nil then
    return {}
  end
  if pandoc.utils.type(value) == "List" then
    local out = {}
    for _, v in ipairs(value) do
      out[#out + 1] = meta_text(v)
    end
    return out
  end
  return {meta_text(value)}
end

local function cover_line(style, inlines)
  return pandoc.Div({pandoc.Para(inlines)}, {["custom-style"] = style})
end

-- The daftar isi after the cover (pandoc's own --toc would put it before the cover, which is
-- body text here): the same content control and field pandoc writes; skm.render.docx fills in the
-- field's result.
local function xml_escape(text)
  return (text:gsub("&", "&amp;"):gsub("<", "&lt;"):gsub(">", "&gt;"):gsub('"', "&quot;"))
end

local function toc_block(title, depth)
  local heading = title and pandoc.utils.stringify(title) or "Daftar Isi"
  return pandoc.RawBlock("openxml",
    '<w:sdt><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents" />'
    .. '<w:docPartUnique /></w:docPartObj></w:sdtPr><w:sdtContent>'
    .. '<w:p><w:pPr><w:pStyle w:val="TOCHeading" /></w:pPr><w:r><w:t xml:space="preserve">'
    .. xml_escape(heading) .. '</w:t></w:r></w:p>'
    .. '<w:p><w:r><w:fldChar w:fldCharType="begin" w:dirty="true" />'
    .. '<w:instrText xml:space="preserve">TOC \\o &quot;1-' .. math.floor(depth or 2)
    .. '&quot; \\h \\z \\u</w:instrText><w:fldChar w:fldCharType="separate" />'
    .. '<w:fldChar w:fldCharType="end" /></w:r></w:p></w:sdtContent></w:sdt>')
end

local function cover(doc)
  local meta = doc.meta
  local c = meta.cover or {}
  local blocks = pandoc.Blocks({})
  local function add(style, value)
    local inlines = meta_text(value)
    if inlines and #inlines > 0 then
      blocks:insert(cover_line(style, inlines))
    end
  end
  add("Cover Agency", c.agency)
  add("Title", meta.title)
  add("Subtitle", meta.subtitle)
  add("Cover Period", c.period)
  local logo = meta["skm-logo"]
  if logo == nil then  -- the space the logo would take, as in the PDF
    blocks:insert(pandoc.RawBlock("openxml", '<w:p><w:pPr><w:pStyle w:val="CoverLogo" /></w:pPr></w:p>'))
  else
    local src = pandoc.utils.stringify(logo)
    local alt = meta["skm-logo-alt"] and pandoc.utils.stringify(meta["skm-logo-alt"]) or "Logo"
    blocks:insert(cover_line("Cover Logo",
      {pandoc.Image({pandoc.Str(alt)}, src, "", {width = "4.5cm"})}))
  end
  for _, author in ipairs(meta_list(meta.author)) do
    if #author > 0 then
      blocks:insert(cover_line("Cover Author", author))
    end
  end
  add("Cover Unit", c.unit)
  add("Cover Address", c.address)
  if c.year ~= nil then
    add("Cover Year", c.year)
  else
    add("Cover Year", meta.date)
  end
  -- toc too: pandoc's docx writer also reads it from the metadata
  for _, key in ipairs({"title", "subtitle", "author", "date", "toc", "table-of-contents"}) do
    meta[key] = nil
  end
  local depth = meta["skm-toc-depth"]
  if depth ~= nil then
    blocks:insert(toc_block(meta["toc-title"], tonumber(pandoc.utils.stringify(depth))))
  end
  -- The renderer's own keys are not document properties: pandoc would write each leftover
  -- metadata key into docProps/custom.xml (the logo's temporary path made two renders differ).
  for _, key in ipairs({"cover", "skm-logo", "skm-logo-alt", "skm-toc-depth", "toc-title"}) do
    meta[key] = nil
  end
  doc.meta = meta
  doc.blocks = blocks .. doc.blocks
  return doc
end

-- A paragraph that introduces a list (it ends with ":" and a list follows) gets the "Pengantar
-- Daftar" style of reference.docx (keep with next): it never stays alone at a page's bottom.
local INTRO_STYLE = "Pengantar Daftar"

local function keep_intros(blocks)
  local changed = false
  for i = 1, #blocks - 1 do
    local b, nxt = blocks[i], blocks[i + 1]
    if b.t == "Para" and (nxt.t == "BulletList" or nxt.t == "OrderedList")
        and pandoc.utils.stringify(b):gsub("%s+$", ""):sub(-1) == ":" then
      blocks[i] = pandoc.Div({b}, {["custom-style"] = INTRO_STYLE})
      changed = true
    end
  end
  return changed and blocks or nil
end

return {
  {Blocks = keep_intros},
  {Table = function(tbl) return shared.fit_widths(shared.auto_widths(tbl)) end,
   Image = shared.fig_alt,
   Div = signature},
  {Pandoc = cover},
}
