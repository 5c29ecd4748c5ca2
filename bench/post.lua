-- POST /api/v1/evidence: collective evidence with a random value and description.
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.headers["Content-Type"] = "application/json"
local criterion = os.getenv("CRITERION_ID")
local unit = os.getenv("UNIT_ID")
local year = os.getenv("YEAR")
request = function()
  local body = string.format(
    '{"criterion_id":"%s","year":%s,"org_unit_id":"%s","value":%d,"description":"Báo cáo số sáng kiến chuyển đổi số, đợt %d"}',
    criterion, year, unit, math.random(0, 20), math.random(1, 1000000))
  return wrk.format(nil, nil, nil, body)
end
