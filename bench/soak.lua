-- wrk script for bench/soak.py: cycle through the paths in the file given after "--",
-- optionally pacing each connection (second argument: milliseconds between its requests),
-- then print one JSON line with throughput, latency and responses by status class.
local paths = {}
local threads = {}
local index = 0
local pause = 0

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then table.insert(paths, line) end
  end
  pause = tonumber(args[2] or "0")
  index = math.random(#paths)
  ok, throttled, client_errors, server_errors = 0, 0, 0, 0
end

function delay()
  return pause
end

function request()
  index = index % #paths + 1
  return wrk.format("GET", paths[index])
end

function response(status, headers, body)
  if status < 400 then ok = ok + 1
  elseif status == 429 then throttled = throttled + 1
  elseif status < 500 then client_errors = client_errors + 1
  else server_errors = server_errors + 1 end
end

function done(summary, latency, requests)
  local counts = {ok = 0, throttled = 0, client_errors = 0, server_errors = 0}
  for _, thread in ipairs(threads) do
    for name, _ in pairs(counts) do counts[name] = counts[name] + thread:get(name) end
  end
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "rps": %.1f, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, '
      .. '"ok": %d, "throttled": %d, "client_errors": %d, "server_errors": %d, '
      .. '"socket_errors": %d}\n',
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    counts.ok, counts.throttled, counts.client_errors, counts.server_errors,
    errors.connect + errors.read + errors.write + errors.timeout))
end
