-- An authenticated GET from a client that accepts compressed answers, as browsers and
-- most HTTP libraries do.
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.headers["Accept-Encoding"] = "gzip, deflate, br"
