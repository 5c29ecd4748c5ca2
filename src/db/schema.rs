//! Table definitions, kept to the SQL types both backends share (MultiConnection has no
//! Uuid, Jsonb or Timestamptz). A test checks them against the migrated database.

diesel::table! {
    org_units (id) {
        id -> Text,
        code -> Text,
        name -> Text,
        name_search -> Text,
        name_sort -> Text,
        kind -> Text,
        parent_id -> Nullable<Text>,
        path -> Text,
        active -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    staff (id) {
        id -> Text,
        staff_code -> Nullable<Text>,
        full_name -> Text,
        name_search -> Text,
        name_sort -> Text,
        org_unit_id -> Text,
        position -> Nullable<Text>,
        category -> Text,
        email -> Nullable<Text>,
        gender -> Nullable<Text>,
        personal_id -> Nullable<Text>,
        active -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        username -> Text,
        password_hash -> Text,
        roles -> Text,
        org_unit_id -> Nullable<Text>,
        staff_id -> Nullable<Text>,
        active -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        revoked_reason -> Nullable<Text>,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Text,
        session_id -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        at -> Timestamp,
        actor_id -> Nullable<Text>,
        request_id -> Nullable<Text>,
        action -> Text,
        resource_type -> Text,
        resource_id -> Text,
        before -> Nullable<Text>,
        after -> Nullable<Text>,
    }
}

diesel::table! {
    change_events (seq) {
        seq -> BigInt,
        at -> Timestamp,
        resource_type -> Text,
        resource_id -> Text,
        action -> Text,
        version -> BigInt,
    }
}

diesel::joinable!(staff -> org_units (org_unit_id));
diesel::joinable!(users -> org_units (org_unit_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));

diesel::allow_tables_to_appear_in_same_query!(
    org_units,
    staff,
    users,
    sessions,
    refresh_tokens,
    audit_log,
    change_events,
);
