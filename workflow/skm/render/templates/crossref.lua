-- skm.render, first filter of every pass: numbers labelled figures and tables and resolves
-- cross references on pandoc's syntax tree, as Quarto's crossref filters do (the reader runs
-- with citations on, so "@fig-x" and "[@fig-x]" arrive as Cite elements; an escaped "\@fig-x"
-- from data is plain text and stays so).
--
-- - A Figure or Table whose identifier starts with "fig-" or "tbl-" is numbered in document
--   order and its caption starts with "<title> <number>" ("Gambar 3.1 ...").
-- - Numbers are per chapter: a level-1 heading "<chapter-word> III ..." (arabic or roman) gives
--   "3.1, 3.2", a heading of any level "<appendix-word> 5 ..." gives "<appendix-prefix>5.1";
--   under any other level-1 heading numbers are plain "1, 2, ..." (counted across such parts).
-- - A reference to a known label becomes a link "<prefix> <number>" to it; any other citation
--   is put back as the text it was written as; a fig-/tbl- label that is not defined is an
--   error (the render fails and names it).
-- - Alt texts of cell figures: skm.render writes them as the attribute crossref-alt, which
--   becomes the image's description with its references as plain text; a numbered figure
--   without one is described by its numbered caption. (Quarto's fig-alt, which
--   skm.report.markdown.image writes for images from data, is left to the writers' filters:
--   nothing in it is read as a reference.)
--
-- The words come from the document's `crossref` front matter, passed by skm.render as
-- metadata (-M crossref-<key>=<value>): fig-title, tbl-title (caption words), fig-prefix,
-- tbl-prefix (reference words, default: the titles), chapter-word, appendix-word,
-- appendix-prefix. The filter removes those keys from the metadata again.

local stringify = pandoc.utils.stringify

local KINDS = {fig = "fig", tbl = "tbl"}
local KEYS = {"fig-title", "tbl-title", "fig-prefix", "tbl-prefix", "chapter-word",
              "appendix-word", "appendix-prefix"}

local opts = {}
local numbers = {}     -- label -> "3.1"
local unresolved = {}  -- labels referenced but not defined, in order
local seen_unresolved = {}

local function kind_of(label)
  local kind = label:match("^(%a%a%a)%-[%w_]")
  return kind and KINDS[kind] or nil
end

local function title(kind)
  return opts[kind .. "-title"] or (kind == "fig" and "Figure" or "Table")
end

local function prefix_word(kind)
  return opts[kind .. "-prefix"] or title(kind)
end

local ROMAN = {I = 1, V = 5, X = 10, L = 50, C = 100, D = 500, M = 1000}

local function roman_to_int(s)
  s = s:upper()
  local total = 0
  for i = 1, #s do
    local v, nxt = ROMAN[s:sub(i, i)], ROMAN[s:sub(i + 1, i + 1)]
    total = total + ((nxt ~= nil and nxt > v) and -v or v)
  end
  return total
end

-- "BAB III Hasil" -> "3", "Lampiran 5 ..." -> "L5" (appendix = true), anything else -> nil.
local function chapter_of(heading)
  local word, number = stringify(heading):match("^(%S+)%s+(%w+)")
  if word == nil then
    return nil
  end
  local n
  if number:match("^%d+$") then
    n = tonumber(number)
  elseif number:upper():match("^[IVXLCDM]+$") then
    n = roman_to_int(number)
  else
    return nil
  end
  word = word:upper()
  if opts["appendix-word"] and word == opts["appendix-word"]:upper() then
    return (opts["appendix-prefix"] or "") .. n, true
  end
  if opts["chapter-word"] and word == opts["chapter-word"]:upper() then
    return tostring(n), false
  end
  return nil
end

local function name(label)
  return prefix_word(kind_of(label)) .. " " .. numbers[label]
end

local function missing(label)
  if not seen_unresolved[label] then
    seen_unresolved[label] = true
    unresolved[#unresolved + 1] = "@" .. label
  end
end

-- References in a plain string (an alt text): "[@fig-x]" and "@fig-x" not preceded by a word
-- character, "@" or a backslash become "Gambar 3.1".
local function resolve_text(text)
  local out, i = {}, 1
  while true do
    local at = text:find("@", i, true)
    if at == nil then
      out[#out + 1] = text:sub(i)
      break
    end
    local label = text:match("^[%a][%a][%a]%-[%w_][%w_%-]*", at + 1)
    if label then
      label = label:gsub("%-+$", "")
    end
    local before = at > 1 and text:sub(at - 1, at - 1) or ""
    local bracketed = before == "[" and label and text:sub(at + 1 + #label, at + 1 + #label) == "]"
    if label and kind_of(label) and (bracketed or not before:match("[%w_@\\]")) then
      if numbers[label] == nil then
        missing(label)
        out[#out + 1] = text:sub(i, at + #label)
      else
        local from = bracketed and at - 1 or at
        out[#out + 1] = text:sub(i, from - 1) .. name(label)
        if bracketed then
          at = at + 1  -- the closing bracket
        end
      end
      i = at + 1 + #label
    else
      out[#out + 1] = text:sub(i, at)
      i = at + 1
    end
  end
  return table.concat(out)
end

local function numbered_caption(blocks, label)
  local words = pandoc.Inlines(title(kind_of(label)) .. " " .. numbers[label])
  if #blocks > 0 and (blocks[1].t == "Plain" or blocks[1].t == "Para") then
    if #blocks[1].content > 0 then
      words:insert(pandoc.Space())
    end
    words:extend(blocks[1].content)
    blocks[1].content = words
  else
    blocks:insert(1, pandoc.Plain(words))
  end
  return blocks
end

-- First pass, in document order: the numbers.
local function number(doc)
  local counters, chapter = {}, nil
  local function define(label)
    local kind = kind_of(label)
    if kind == nil then
      return
    end
    local key = kind .. "|" .. (chapter or "")
    counters[key] = (counters[key] or 0) + 1
    numbers[label] = chapter and (chapter .. "." .. counters[key]) or tostring(counters[key])
  end
  doc:walk({
    traverse = "topdown",
    Header = function(h)
      local prefix, appendix = chapter_of(h.content)
      if h.level == 1 then
        chapter = prefix
      elseif appendix then  -- "## Lampiran 2. ..." under "# LAMPIRAN" numbers its own tables
        chapter = prefix
      end
    end,
    Figure = function(f) define(f.identifier) end,
    Table = function(t) define(t.identifier) end,
  })
end

local function crossref_alt(img)
  local alt = img.attributes["crossref-alt"]
  if alt == nil then
    return nil
  end
  img.attributes["crossref-alt"] = nil
  if alt == "" then
    img.attributes["alt"] = ""
    img.caption = pandoc.Inlines({})
  else
    img.caption = pandoc.Inlines(resolve_text(alt))
  end
  return img
end

-- A citation of known labels -> links; anything else -> nil (left as written).
local function cite(el)
  local out = pandoc.Inlines({})
  for i, c in ipairs(el.citations) do
    local label = c.id
    if kind_of(label) == nil then
      return nil
    end
    if numbers[label] == nil then
      missing(label)
      return nil
    end
    if i > 1 then
      out:extend({pandoc.Str(";"), pandoc.Space()})
    end
    if #c.prefix > 0 then
      out:extend(c.prefix)
      out:insert(pandoc.Space())
    end
    out:insert(pandoc.Link(pandoc.Inlines(name(label)), "#" .. label))
    out:extend(c.suffix)
  end
  return out
end

-- Citations: resolved to links, or put back as the text they were written as (joined with the
-- text around them, as the reader gives it with citations off).
local function inlines(list)
  local out, glue = pandoc.Inlines({}), false
  local function add(x)
    local last = out[#out]
    if glue and x.t == "Str" and last ~= nil and last.t == "Str" then
      out[#out] = pandoc.Str(last.text .. x.text)
    else
      out:insert(x)
    end
  end
  local changed = false
  for _, el in ipairs(list) do
    if el.t == "Cite" then
      changed = true
      local links = cite(el)
      if links ~= nil then
        glue = false
        out:extend(links)
      else
        for k, x in ipairs(el.content) do
          glue = k == 1
          add(x)
        end
        glue = true
      end
    else
      add(el)
      glue = false
    end
  end
  return changed and out or nil
end

local function figure(f)
  if numbers[f.identifier] == nil then
    return nil
  end
  f.caption.long = numbered_caption(f.caption.long, f.identifier)
  local described = pandoc.Inlines(stringify(f.caption.long))
  f.content = f.content:walk({Image = function(img)
    local attr = img.attributes
    if attr["crossref-alt"] == nil and attr["fig-alt"] == nil and attr["alt"] == nil then
      img.caption = described
      return img
    end
  end})
  return f
end

local function table_(t)
  if numbers[t.identifier] ~= nil then
    t.caption.long = numbered_caption(t.caption.long, t.identifier)
    return t
  end
end

function Pandoc(doc)
  for _, key in ipairs(KEYS) do
    local value = doc.meta["crossref-" .. key]
    if value ~= nil then
      opts[key] = stringify(value)
      doc.meta["crossref-" .. key] = nil
    end
  end
  number(doc)
  doc = doc:walk({Inlines = inlines})
  doc = doc:walk({Figure = figure, Table = table_})
  doc = doc:walk({Image = crossref_alt})
  if #unresolved > 0 then
    error("unresolved cross reference(s): " .. table.concat(unresolved, ", "), 0)
  end
  return doc
end
