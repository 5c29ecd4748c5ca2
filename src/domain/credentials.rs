//! Verifiable award credentials (W3C VC 2.0 / Open Badges 3.0) signed with Ed25519.
