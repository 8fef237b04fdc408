-- wrk script for benchmarks/recommender_load.py: one wrk thread per client, each with its own API token
-- (line N of $FEED_TOKENS for thread N) and feed session; a new session every 5 pages; a think time
-- drawn from an exponential distribution with mean $FEED_THINK_MS between a client's requests (0 = none).
local count = 0
local threads = {}

function setup(thread)
  count = count + 1
  thread:set("client", count)
  table.insert(threads, thread)
end

function init(args)
  local n = 0
  for line in io.lines(os.getenv("FEED_TOKENS")) do
    n = n + 1
    if n == client then token = line end
  end
  think = tonumber(os.getenv("FEED_THINK_MS") or "0")
  math.randomseed(client)
  session, pages, failures = nil, 0, 0
end

function request()
  local path = os.getenv("FEED_PATH") or "/api/feed/"
  if session then path = path .. "?session=" .. session end
  return wrk.format("GET", path, { ["Authorization"] = "Token " .. token })
end

function response(status, headers, body)
  pages = pages + 1
  if status ~= 200 then
    failures = failures + 1
    last_failure = status
  end
  session = body:match('"session":%s*"([^"]+)"')
  if pages % 5 == 0 then session = nil end
end

function delay()
  if think <= 0 then return 0 end
  return -math.log(1 - math.random()) * think
end

function done(summary, latency, requests)
  local non200 = 0
  for _, thread in ipairs(threads) do
    non200 = non200 + thread:get("failures")
    if thread:get("last_failure") then io.write("status " .. thread:get("last_failure") .. "\n") end
  end
  local e = summary.errors
  io.write(string.format("ERRORS connect=%d read=%d write=%d timeout=%d status=%d non200=%d\n",
    e.connect, e.read, e.write, e.timeout, e.status, non200))
  io.write(string.format("RESULT requests=%d seconds=%.3f p50=%.3f p95=%.3f p99=%.3f max=%.3f errors=%d\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
