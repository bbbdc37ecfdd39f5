-- wrk script for benchmarks/run_api_bench.py (not for the pytest suite).
--
--   wrk ... -s api.lua http://127.0.0.1:8077 -- ping
--   wrk ... -s api.lua http://127.0.0.1:8077 -- insert
--   wrk ... -s api.lua http://127.0.0.1:8077 -- submit
--   wrk ... -s api.lua http://127.0.0.1:8077 -- track PAIRS_FILE
--
-- PAIRS_FILE holds one "TRACKING_CODE PASSWORD" per line. Requests are built once in
-- init() so the load generator spends its time on sockets, not on Lua. done() prints one
-- line "WRK_JSON {...}" that the runner parses (latencies in microseconds).

local requests_list = {}
local n = 0

function setup(thread)
  thread_count = (thread_count or 0) + 1
  thread:set("thread_id", thread_count)
end

local function submit_body(i)
  local title = string.format("压测：小区门口路灯不亮 %d-%d", thread_id or 0, i)
  local content = "小区东门外的三盏路灯已经连续一周不亮，晚上老人和孩子出行很不方便，"
    .. "希望有关部门尽快派人检修。这是基准测试生成的诉求，编号 " .. i .. "。"
  return string.format(
    '{"request_type": "complaint", "title": "%s", "content": "%s", '
    .. '"anonymous": true, "channel": "api"}', title, content)
end

function init(args)
  local mode = args[1] or "ping"
  local headers = {["Accept"] = "application/json"}
  if mode == "ping" then
    requests_list[1] = wrk.format("GET", "/api/v1/ping", headers)
  elseif mode == "insert" then
    -- the benchmark-only one-row insert (the server runs with MINXIN_BENCH_ENDPOINTS=1)
    requests_list[1] = wrk.format("POST", "/api/v1/bench/insert",
      {["Accept"] = "application/json", ["Content-Type"] = "application/json"}, "{}")
  elseif mode == "submit" then
    local post_headers = {["Accept"] = "application/json",
                          ["Content-Type"] = "application/json"}
    for i = 1, 2000 do
      requests_list[i] = wrk.format("POST", "/api/v1/requests", post_headers, submit_body(i))
    end
  elseif mode == "track" then
    for line in io.lines(args[2]) do
      local code, password = line:match("^(%S+)%s+(%S+)")
      if code then
        requests_list[#requests_list + 1] = wrk.format(
          "GET", "/api/v1/requests/" .. code .. "?password=" .. password, headers)
      end
    end
    assert(#requests_list > 0, "no tracking code pairs in " .. tostring(args[2]))
  else
    error("unknown mode " .. mode)
  end
  -- Threads start at different places in the list.
  n = ((thread_id or 1) * 7919) % #requests_list
end

function request()
  n = n + 1
  if n > #requests_list then n = 1 end
  return requests_list[n]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, '
    .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, '
    .. '"latency_us": {"min": %d, "mean": %.1f, "max": %d, '
    .. '"p50": %d, "p90": %d, "p95": %d, "p99": %d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency.max,
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99)))
end
