//! Quyết định khen thưởng and the awards they grant.
