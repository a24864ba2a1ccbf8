-- wrk: POST /v1/cases:batch with 1,000 new cases per request.
local counter = 0
local prefix = ""
local threads = {}

function setup(thread)
    thread:set("tid", tostring(#threads + 1))
    table.insert(threads, thread)
end

function init(args)
    prefix = string.format("b%d-%s-", os.time(), tid)
    wrk.method = "POST"
    wrk.path = "/v1/cases:batch"
    wrk.headers["Content-Type"] = "application/json"
    wrk.headers["Authorization"] = "Bearer " .. os.getenv("CIVICQ_KEY")
end

function request()
    local items = {}
    for i = 1, 1000 do
        counter = counter + 1
        items[i] = string.format(
            '{"external_id":"%s%d","category":"010202","area":"420102","title":"路灯不亮","description":"幸福小区门口路灯不亮，晚上很黑。","citizen":{"phone":"13800000000"}}',
            prefix, counter)
    end
    return wrk.format(nil, nil, nil, '{"cases":[' .. table.concat(items, ",") .. ']}')
end

function done(summary, latency, requests)
    local seconds = summary.duration / 1e6
    local bad = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
    io.write(string.format('{"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.2f,"p99_ms":%.2f,"errors":%d}\n',
        summary.requests, seconds, summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000, bad))
end
