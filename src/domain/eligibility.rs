//! Eligibility: every rule of an award type evaluated against a nominee's history.
