-- skm.render, Typst pass.
-- 1. Images keep their alt text (written by image(): the pandoc Typst writer drops it). Their
--    paths stay relative: the renderer copies every image into the folder of the .typ file,
--    which is Typst's root (no file outside it can be read).
-- 2. Long words in table cells get zero-width spaces every 12 characters so that they can
--    wrap instead of running off the page, unless they already break after "/" or "-" (paths,
--    URLs: they stay copyable).
-- 3. Table rows of moderate height are kept on one page (keep_rows_whole).
-- 5. A paragraph that introduces a list (it ends with ":" and a list follows) never stays alone
--    at the bottom of a page: with a short list both go on one page together (unbreakable),
--    otherwise the paragraph is sticky (kept with the list's first item). A short paragraph
--    right before a figure is sticky too (kept on the figure's page). See keep_intros.
-- 4. Literal text: the pandoc Typst writer leaves "...", "-?" and "-" before a digit as they
--    are, and Typst reads them as shorthands (ellipsis, soft hyphen: "-?" would vanish, minus
--    sign). Escape them so that the PDF shows the characters that were written. En and em
--    dashes and U+2019, which the writer turns into shorthands, are written as themselves.

local shared = dofile(pandoc.path.join({pandoc.path.directory(PANDOC_SCRIPT_FILE), "shared.lua"}))
local ZWSP, TEXT_WIDTH_PT, CHAR_PT, INSET_PT =
  shared.ZWSP, shared.TEXT_WIDTH_PT, shared.CHAR_PT, shared.INSET_PT

-- Typst writes an image's alt text into the tagged PDF (what a screen reader says); the pandoc
-- Typst writer drops it, so images with an alt text (Quarto's fig-alt, an alt attribute or the
-- description) are written here. Sizes other than % and absolute units are left to pandoc.
local SIZE = {"^%d+%.?%d*%%$", "^%d+%.?%d*cm$", "^%d+%.?%d*mm$", "^%d+%.?%d*in$", "^%d+%.?%d*pt$"}

local function typst_size(value)
  if value == nil then
    return ""
  end
  for _, pattern in ipairs(SIZE) do
    if value:match(pattern) then
      return value
    end
  end
  return nil
end

local function typst_string(s)
  s = s:gsub("[\r\n]+", " "):gsub("\\", "\\\\"):gsub('"', '\\"')
  return '"' .. s .. '"'
end

local function image(img)
  local changed = shared.fig_alt(img)  -- changes img in place
  local alt = img.attributes["alt"] or pandoc.utils.stringify(img.caption)
  local width, height = typst_size(img.attributes["width"]), typst_size(img.attributes["height"])
  if alt == "" or width == nil or height == nil then
    return changed
  end
  local args = {typst_string(img.src)}
  if width ~= "" then args[#args + 1] = "width: " .. width end
  if height ~= "" then args[#args + 1] = "height: " .. height end
  args[#args + 1] = "alt: " .. typst_string(alt)
  return pandoc.RawInline("typst", "#box(image(" .. table.concat(args, ", ") .. "))")
end

local LONG = 24
local CHUNK = 12

-- Typst may break a line after "/" or "-" (not before a digit: "umum/2023" stays whole), so
-- paths and URLs wrap by themselves and stay copyable; only a run longer than LONG without
-- such a break (a hash, an ID) gets zero-width spaces, which a copied text would carry along.
local function break_long(s)
  local chars = {}
  for _, code in utf8.codes(s.text) do
    chars[#chars + 1] = utf8.char(code)
  end
  if #chars <= LONG then
    return nil
  end
  local out, run, changed = {}, 0, false
  for i, ch in ipairs(chars) do
    if run > 0 and run % CHUNK == 0 then
      -- only inside a run that ends up longer than LONG
      local j, rest = i, 0
      while j <= #chars and rest <= LONG - run do
        local c = chars[j]
        if (c == "/" or c == "-") and not (chars[j + 1] or ""):match("%d") then
          break
        end
        rest, j = rest + 1, j + 1
      end
      if run + rest > LONG or run >= LONG then
        out[#out + 1] = ZWSP
        changed = true
      end
    end
    out[#out + 1] = ch
    run = run + 1
    if (ch == "/" or ch == "-") and not (chars[i + 1] or ""):match("%d") then
      run = 0
    end
  end
  if not changed then
    return nil
  end
  s.text = table.concat(out)
  return s
end

-- Keep a body row on one page (Typst otherwise splits a tall row, leaving a line or two of
-- its cells under the repeated header on the next page). Only rows estimated to be shorter
-- than KEEP_MAX_PT: a taller row must still break, or Typst would cut it off at the page end.
local LINE_PT = 12.5
local KEEP_MAX_PT = 250

local function row_height(row, widths_pt)
  local tallest, col = 0, 1
  for _, cell in ipairs(row.cells) do
    local width = 0
    for k = col, math.min(col + cell.col_span - 1, #widths_pt) do
      width = width + widths_pt[k]
    end
    local per_line = math.max(1, math.floor((width - INSET_PT) / CHAR_PT))
    local lines = 0
    for _, block in ipairs(cell.contents) do
      local text = pandoc.utils.stringify(block)
      lines = lines + math.max(1, math.ceil(shared.text_width(text) / per_line))
    end
    tallest = math.max(tallest, lines * LINE_PT / cell.row_span)
    col = col + cell.col_span
  end
  return tallest
end

local function keep_rows_whole(tbl)
  local ncol = #tbl.colspecs
  local relative, total = shared.relative_widths(tbl)
  local widths_pt = {}
  for i = 1, ncol do
    -- automatic widths: assume an even share
    widths_pt[i] = relative and relative[i] / total * TEXT_WIDTH_PT or TEXT_WIDTH_PT / ncol
  end
  for _, body in ipairs(tbl.bodies) do
    for _, row in ipairs(body.body) do
      if row_height(row, widths_pt) <= KEEP_MAX_PT then
        for _, cell in ipairs(row.cells) do
          cell.attributes["typst:breakable"] = "false"
        end
      end
    end
  end
  return tbl
end

local function table_cells(tbl)
  return keep_rows_whole(shared.fit_widths(tbl:walk({Str = break_long})))
end

-- Written as themselves: the writer turns U+2013 and U+2014 into "--" and "---" (two en
-- dashes became "----", an em dash and a hyphen) and U+2019 into "'" (drawn as U+2018 by
-- Typst's smart quotes before a quote).
local AS_IS = {[utf8.char(0x2013)] = true, [utf8.char(0x2014)] = true, [utf8.char(0x2019)] = true}

local function protect_shorthands(s)
  local text = s.text
  if not (text:find("...", 1, true) or text:find("-?", 1, true) or text:find("%-%d")
          or text:find("\xE2\x80[\x93\x94\x99]")) then
    return nil
  end
  local out, buf, i, n = {}, {}, 1, #text
  local function flush()
    if #buf > 0 then
      out[#out + 1] = pandoc.Str(table.concat(buf))
      buf = {}
    end
  end
  -- Byte-wise is safe: '.', '-' and '?' never occur inside a multi-byte UTF-8 sequence, and
  -- AS_IS compares whole three-byte sequences.
  while i <= n do
    local c = text:sub(i, i)
    if c == "." and text:sub(i, i + 2) == "..." then
      local j = i
      while text:sub(j, j) == "." do
        j = j + 1
      end
      flush()
      out[#out + 1] = pandoc.RawInline("typst", string.rep("\\.", j - i))
      i = j
    elseif c == "-" and text:sub(i + 1, i + 1) == "?" then
      buf[#buf + 1] = "-"
      flush()
      out[#out + 1] = pandoc.RawInline("typst", "\\?")
      i = i + 2
    elseif AS_IS[text:sub(i, i + 2)] then
      flush()
      out[#out + 1] = pandoc.RawInline("typst", text:sub(i, i + 2))
      i = i + 3
    elseif c == "-" and text:sub(i + 1, i + 1):match("%d") then
      flush()
      out[#out + 1] = pandoc.RawInline("typst", "\\-")
      i = i + 1
    else
      buf[#buf + 1] = c
      i = i + 1
    end
  end
  flush()
  return out
end

-- A signature block (div .ttd): right half of the page, text left-aligned inside it.
local function signature(div)
  if not div.classes:includes("ttd") then
    return nil
  end
  local blocks = {pandoc.RawBlock("typst", "#align(right)[#block(width: 50%, breakable: false)[#set align(left); #set par(justify: false)")}
  for _, b in ipairs(div.content) do
    blocks[#blocks + 1] = b
  end
  blocks[#blocks + 1] = pandoc.RawBlock("typst", "]]")
  return blocks
end

-- An introducing paragraph and its list (item 5 of the header).
local SHORT_LIST_ITEMS, SHORT_LIST_CHARS = 6, 700

local function introduces(block, nxt)
  if block.t ~= "Para" or nxt == nil or (nxt.t ~= "BulletList" and nxt.t ~= "OrderedList") then
    return false
  end
  local text = pandoc.utils.stringify(block):gsub("%s+$", "")
  return text:sub(-1) == ":"
end

local function keep_intros(blocks)
  local out, i, changed = {}, 1, false
  while i <= #blocks do
    local b, nxt = blocks[i], blocks[i + 1]
    if b.t == "Para" and nxt ~= nil and nxt.t == "Figure"
        and #pandoc.utils.stringify(b) <= SHORT_LIST_CHARS then
      -- a short line just before a figure (a status line, "... disajikan pada Gambar x")
      -- stays on the figure's page, and so does a heading kept with that line
      changed = true
      out[#out + 1] = pandoc.RawBlock("typst", "#block(sticky: true)[")
      out[#out + 1] = b
      out[#out + 1] = pandoc.RawBlock("typst", "]")
      i = i + 1
    elseif introduces(b, nxt) then
      changed = true
      local short = #nxt.content <= SHORT_LIST_ITEMS
        and #pandoc.utils.stringify(nxt) <= SHORT_LIST_CHARS
      if short then
        out[#out + 1] = pandoc.RawBlock("typst", "#block(breakable: false)[")
        out[#out + 1] = b
        out[#out + 1] = nxt
        out[#out + 1] = pandoc.RawBlock("typst", "]")
        i = i + 2
      else
        out[#out + 1] = pandoc.RawBlock("typst", "#block(sticky: true)[")
        out[#out + 1] = b
        out[#out + 1] = pandoc.RawBlock("typst", "]")
        i = i + 1
      end
    else
      out[#out + 1] = b
      i = i + 1
    end
  end
  return changed and out or nil
end

return {
  {Blocks = keep_intros},
  {Div = signature},
  {Table = table_cells},
  {Image = image, Str = protect_shorthands},
}
