-- wrk: POST new cases, each request creating new ones (fresh external ids).
-- Environment: CIVICQ_KEY; CIVICQ_BATCH unset or 0 for single POST /v1/cases, else the number
-- of cases per POST /v1/cases:batch. Prints one JSON line with the figures when done.
local counter = 0
local prefix = ""
local batch = tonumber(os.getenv("CIVICQ_BATCH") or "0") or 0
local threads = {}

function setup(thread)
    thread:set("tid", tostring(#threads + 1))
    table.insert(threads, thread)
end

function init(args)
    prefix = string.format("w%d-%d-%s-", os.time(), batch, tid)
    wrk.method = "POST"
    wrk.path = batch > 0 and "/v1/cases:batch" or "/v1/cases"
    wrk.headers["Content-Type"] = "application/json"
    wrk.headers["Authorization"] = "Bearer " .. os.getenv("CIVICQ_KEY")
end

local titles = {"路灯不亮", "下水道堵塞", "夜间施工噪声", "停水", "垃圾未清运"}
local categories = {"010202", "010101", "030101", "020101", "010102"}

local function case()
    counter = counter + 1
    local k = (counter % 5) + 1
    return string.format(
        '{"external_id":"%s%d","category":"%s","area":"420102","title":"%s","description":"幸福小区附近%s，已经三天了，希望尽快处理。","citizen":{"name":"张先生","phone":"13800000000"}}',
        prefix, counter, categories[k], titles[k], titles[k])
end

function request()
    if batch == 0 then return wrk.format(nil, nil, nil, case()) end
    local items = {}
    for i = 1, batch do items[i] = case() end
    return wrk.format(nil, nil, nil, '{"cases":[' .. table.concat(items, ",") .. ']}')
end

function done(summary, latency, requests)
    local seconds = summary.duration / 1e6
    local bad = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
    io.write(string.format('{"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.2f,"p99_ms":%.2f,"errors":%d}\n',
        summary.requests, seconds, summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000, bad))
end
