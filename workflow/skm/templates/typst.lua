-- skm.render, Typst pass.
-- 1. Image paths: Typst resolves paths against the .typ file, not pandoc's resource path, so a
--    relative path found in a resource-path directory is made absolute (Typst runs with root /).
-- 2. Long words in table cells (URLs, IDs) get zero-width spaces every 12 characters so that
--    they can wrap instead of running off the page.

local function exists(path)
  local f = io.open(path, "rb")
  if f then
    f:close()
    return true
  end
  return false
end

function Image(img)
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

function Table(tbl)
  return tbl:walk({Str = break_long})
end
