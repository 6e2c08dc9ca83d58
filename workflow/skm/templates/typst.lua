-- skm.render, Typst pass.
-- 1. Image paths: Typst resolves paths against the .typ file, not pandoc's resource path, so a
--    relative path found in a resource-path directory is made absolute (Typst runs with root /).
-- 2. Long words in table cells (URLs, IDs) get zero-width spaces every 12 characters so that
--    they can wrap instead of running off the page.
-- 3. Literal text: the pandoc Typst writer leaves "...", "-?" and "-" before a digit as they
--    are, and Typst reads them as shorthands (ellipsis, soft hyphen: "-?" would vanish, minus
--    sign). Escape them so that the PDF shows the characters that were written.

local function exists(path)
  local f = io.open(path, "rb")
  if f then
    f:close()
    return true
  end
  return false
end

local function image(img)
  local src = img.src
  if src:match("^/") or src:match("^%a[%w+.-]*:") then
    return nil
  end
  for _, dir in ipairs(PANDOC_STATE.resource_path) do
    local candidate = pandoc.path.normalize(pandoc.path.join({dir, src}))
    if exists(candidate) then
      if not pandoc.path.is_absolute(candidate) then
        candidate = pandoc.path.join({pandoc.system.get_working_directory(), candidate})
      end
      img.src = candidate
      return img
    end
  end
  return nil
end

local ZWSP = utf8.char(0x200B)
local LONG = 24
local CHUNK = 12

local function break_long(s)
  if utf8.len(s.text) == nil or utf8.len(s.text) <= LONG then
    return nil
  end
  local out, n = {}, 0
  for _, code in utf8.codes(s.text) do
    if n > 0 and n % CHUNK == 0 then
      out[#out + 1] = ZWSP
    end
    out[#out + 1] = utf8.char(code)
    n = n + 1
  end
  s.text = table.concat(out)
  return s
end

-- Relative column widths (pandoc derives them from the dashes of a long pipe table) can be
-- narrower than the longest word of a column ("Kode", "68"), which then overflows into the
-- next cell. Widen such columns to fit their longest word and shrink the others in
-- proportion. The estimate assumes the template's table text (9.5 pt Noto Sans, bold header)
-- on an A4 page with 2.5 cm margins.
local TEXT_WIDTH_PT = 453.5
local CHAR_PT = 5.7
local INSET_PT = 12
local MAX_WORD = 24  -- longer words get zero-width spaces (break_long)

local function longest_words(tbl, ncol)
  local need = {}
  for i = 1, ncol do
    need[i] = 0
  end
  local function scan(rows)
    for _, row in ipairs(rows) do
      local col = 1
      for _, cell in ipairs(row.cells) do
        if cell.col_span == 1 and col <= ncol then
          local text = pandoc.utils.stringify(cell.contents):gsub(ZWSP, " ")
          for word in text:gmatch("%S+") do
            need[col] = math.max(need[col], math.min(utf8.len(word) or #word, MAX_WORD))
          end
        end
        col = col + cell.col_span
      end
    end
  end
  scan(tbl.head.rows)
  for _, body in ipairs(tbl.bodies) do
    scan(body.head)
    scan(body.body)
  end
  scan(tbl.foot.rows)
  return need
end

local function fit_widths(tbl)
  local ncol = #tbl.colspecs
  local widths, total = {}, 0
  for i, spec in ipairs(tbl.colspecs) do
    local w = spec[2]
    if type(w) ~= "number" or w <= 0 then
      return tbl  -- automatic widths: Typst sizes auto columns to their content
    end
    widths[i] = w
    total = total + w
  end
  local need = longest_words(tbl, ncol)
  local min, sum_min = {}, 0
  for i = 1, ncol do
    min[i] = (need[i] * CHAR_PT + INSET_PT) / TEXT_WIDTH_PT * total
    sum_min = sum_min + min[i]
  end
  if sum_min >= total then
    for i = 1, ncol do
      widths[i] = min[i] / sum_min * total
    end
  else
    local fixed = {}
    for _ = 1, ncol + 1 do  -- each pass fixes at least one column, or ends
      local fixed_sum, free_sum = 0, 0
      for i = 1, ncol do
        if fixed[i] then fixed_sum = fixed_sum + min[i] else free_sum = free_sum + widths[i] end
      end
      local scale = free_sum > 0 and (total - fixed_sum) / free_sum or 1
      local changed = false
      for i = 1, ncol do
        if not fixed[i] and widths[i] * scale < min[i] then
          fixed[i] = true
          changed = true
        end
      end
      if not changed then
        for i = 1, ncol do
          widths[i] = fixed[i] and min[i] or widths[i] * scale
        end
        break
      end
    end
  end
  for i, spec in ipairs(tbl.colspecs) do
    tbl.colspecs[i] = {spec[1], widths[i]}
  end
  return tbl
end

local function table_cells(tbl)
  return fit_widths(tbl:walk({Str = break_long}))
end

local function protect_shorthands(s)
  local text = s.text
  if not (text:find("...", 1, true) or text:find("-?", 1, true) or text:find("%-%d")) then
    return nil
  end
  local out, buf, i, n = {}, {}, 1, #text
  local function flush()
    if #buf > 0 then
      out[#out + 1] = pandoc.Str(table.concat(buf))
      buf = {}
    end
  end
  -- Byte-wise is safe: '.', '-' and '?' never occur inside a multi-byte UTF-8 sequence.
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

return {
  {Div = signature},
  {Table = table_cells},
  {Image = image, Str = protect_shorthands},
}
