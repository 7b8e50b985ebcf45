-- wrk script for the bench: cycles through the addresses in the file named by WRK_PATHS
-- (one path a line), sends WRK_COOKIE and WRK_AGENT when set, counts 5xx apart from every
-- other non-2xx answer (a redirect to sign-in would be fast and wrong; wrk's own summary
-- lumps 4xx and 5xx together and passes 3xx) and prints one JSON line.
local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do
  paths[#paths + 1] = line
end
local cookie = os.getenv("WRK_COOKIE") or ""
local agent = os.getenv("WRK_AGENT") or "wrk"
local threads = {}
local n = 0
fivexx = 0
fourxx = 0

function setup(thread)
  thread:set("offset", #threads * 7)
  table.insert(threads, thread)
end

function init(args)
  n = offset or 0
end

function request()
  n = n % #paths + 1
  local headers = { ["User-Agent"] = agent }
  if cookie ~= "" then
    headers["Cookie"] = cookie
  end
  return wrk.format("GET", paths[n], headers)
end

function response(status, headers, body)
  if status >= 500 then
    fivexx = fivexx + 1
  elseif status >= 300 then
    fourxx = fourxx + 1
  end
end

function done(summary, latency, requests)
  local five, four = 0, 0
  for _, thread in ipairs(threads) do
    five = five + thread:get("fivexx")
    four = four + thread:get("fourxx")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p95_us": %d, ' ..
    '"p99_us": %d, "max_us": %d, "fivexx": %d, "fourxx": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), latency.max, five, four, e.connect,
    e.read, e.write, e.status, e.timeout))
end
