-- Attempts counted per key in fixed windows, shared by every worker and instance on this
-- database, so a throttle's allowance holds however many serve: failed logins (per
-- username and per address), client-credentials requests, public feedback. The key is a
-- kind and the SHA-256 of what is counted (a username, a client id, an address).
CREATE TABLE throttle_windows (
    key          TEXT PRIMARY KEY,
    -- When the window that began at the first attempt ends: a later attempt starts anew.
    window_ends  TIMESTAMP NOT NULL,
    attempts     INTEGER NOT NULL
);
-- Ended windows are swept by this index.
CREATE INDEX throttle_windows_window_ends ON throttle_windows (window_ends);
