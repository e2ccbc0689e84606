-- wrk script: cycle through the paths in the file given after "--", then print one JSON
-- line with throughput, latency percentiles and error counts for bench/__main__.py.
local paths = {}
local threads = {}
local index = 0

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then table.insert(paths, line) end
  end
  index = math.random(#paths)
  failures = 0
  too_long = 0
end

function request()
  index = index % #paths + 1
  return wrk.format("GET", paths[index])
end

function response(status, headers, body)
  if status >= 400 then failures = failures + 1 end
  -- Datasette answers a query cut off by its time limit with an error page saying so.
  if status >= 400 and body and string.find(body, "took too long", 1, true) then
    too_long = too_long + 1
  end
end

function done(summary, latency, requests)
  local failed, cut_off = 0, 0
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("failures")
    cut_off = cut_off + thread:get("too_long")
  end
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "rps": %.1f, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, '
      .. '"http_errors": %d, "socket_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    failed, errors.connect + errors.read + errors.write, errors.timeout + cut_off))
end
