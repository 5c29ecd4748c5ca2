//! Hội đồng Thi đua – Khen thưởng: members, sessions, recusals and secret ballots.
