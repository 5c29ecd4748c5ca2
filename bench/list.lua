-- A filtered, paginated evidence list: a random page of 50 among the first 40.
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
local base = os.getenv("LIST_PATH")
request = function()
  return wrk.format("GET", base .. "&page=" .. math.random(1, 40))
end
