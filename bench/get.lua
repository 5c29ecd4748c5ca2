-- An authenticated GET: the token comes from the environment.
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
