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

diesel::table! {
    legal_documents (id) {
        id -> Text,
        number -> Text,
        doc_type -> Text,
        issuer -> Text,
        issued_on -> Date,
        title -> Text,
        search_text -> Text,
        url -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    movements (id) {
        id -> Text,
        name -> Text,
        short_name -> Nullable<Text>,
        description -> Nullable<Text>,
        search_text -> Text,
        name_sort -> Text,
        level -> Text,
        kind -> Text,
        launched_by_id -> Nullable<Text>,
        start_date -> Date,
        end_date -> Date,
        status -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    plans (id) {
        id -> Text,
        number -> Nullable<Text>,
        issued_on -> Nullable<Date>,
        issuer_id -> Text,
        title -> Text,
        search_text -> Text,
        signer_name -> Nullable<Text>,
        signer_title -> Nullable<Text>,
        status -> Text,
        report_month -> Nullable<Integer>,
        report_day -> Nullable<Integer>,
        report_to -> Nullable<Text>,
        report_note -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    plan_movements (plan_id, movement_id) {
        plan_id -> Text,
        movement_id -> Text,
        position -> Integer,
    }
}

diesel::table! {
    plan_legal_bases (plan_id, legal_document_id) {
        plan_id -> Text,
        legal_document_id -> Text,
        position -> Integer,
    }
}

diesel::table! {
    plan_items (plan_id, section, position) {
        plan_id -> Text,
        section -> Text,
        position -> Integer,
        text -> Text,
    }
}

diesel::table! {
    plan_phases (plan_id, position) {
        plan_id -> Text,
        position -> Integer,
        name -> Text,
        start_date -> Date,
        end_date -> Date,
        review -> Nullable<Text>,
        review_year -> Nullable<Integer>,
    }
}

diesel::table! {
    plan_award_forms (plan_id, position) {
        plan_id -> Text,
        position -> Integer,
        occasion -> Text,
        title -> Text,
        subject -> Text,
        description -> Nullable<Text>,
    }
}

diesel::table! {
    plan_responsibilities (plan_id, position) {
        plan_id -> Text,
        position -> Integer,
        org_unit_id -> Text,
        role -> Text,
        task -> Text,
    }
}

diesel::table! {
    criteria (id) {
        id -> Text,
        plan_id -> Text,
        subject -> Text,
        code -> Text,
        position -> Integer,
        title -> Text,
        search_text -> Text,
        description -> Nullable<Text>,
        measure -> Text,
        target -> Nullable<Double>,
        unit -> Nullable<Text>,
        max_points -> Double,
        evidence_expected -> Nullable<Text>,
        content_no -> Nullable<Integer>,
        supersedes_id -> Nullable<Text>,
        superseded_by_id -> Nullable<Text>,
        amendment_reason -> Nullable<Text>,
        current -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        frequency -> Nullable<Text>,
        source_criterion_id -> Nullable<Text>,
    }
}

diesel::table! {
    registration_deadlines (plan_id, year) {
        plan_id -> Text,
        year -> Integer,
        closes_on -> Date,
        reopened_until -> Nullable<Date>,
        reopen_reason -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    registrations (id) {
        id -> Text,
        plan_id -> Text,
        year -> Integer,
        subject -> Text,
        org_unit_id -> Text,
        staff_id -> Nullable<Text>,
        titles -> Text,
        note -> Nullable<Text>,
        status -> Text,
        registered_by -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    evidence (id) {
        id -> Text,
        criterion_id -> Text,
        plan_id -> Text,
        year -> Integer,
        subject -> Text,
        org_unit_id -> Text,
        staff_id -> Nullable<Text>,
        value -> Nullable<Double>,
        as_of -> Date,
        description -> Nullable<Text>,
        links -> Text,
        search_text -> Text,
        self_score -> Nullable<Double>,
        reviewed_score -> Nullable<Double>,
        status -> Text,
        source -> Text,
        created_by -> Nullable<Text>,
        submitted_at -> Nullable<Timestamp>,
        reviewed_by -> Nullable<Text>,
        reviewed_at -> Nullable<Timestamp>,
        review_note -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    evidence_history (id) {
        id -> Text,
        evidence_id -> Text,
        at -> Timestamp,
        actor_id -> Nullable<Text>,
        from_status -> Nullable<Text>,
        to_status -> Text,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    stored_files (sha256) {
        sha256 -> Text,
        size -> BigInt,
        content_type -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    evidence_files (id) {
        id -> Text,
        evidence_id -> Text,
        sha256 -> Text,
        file_name -> Text,
        content_type -> Text,
        size -> BigInt,
        added_by -> Nullable<Text>,
        added_at -> Timestamp,
    }
}

diesel::table! {
    learning_records (id) {
        id -> Text,
        staff_id -> Text,
        criterion_id -> Text,
        course_code -> Text,
        course_title -> Nullable<Text>,
        completed_on -> Date,
        certificate_id -> Nullable<Text>,
        certificate_url -> Nullable<Text>,
        evidence_id -> Text,
        imported_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    blocs (id) {
        id -> Text,
        name -> Text,
        search_text -> Text,
        name_sort -> Text,
        description -> Nullable<Text>,
        owner_id -> Text,
        active -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    bloc_members (bloc_id, org_unit_id) {
        bloc_id -> Text,
        org_unit_id -> Text,
    }
}

diesel::joinable!(staff -> org_units (org_unit_id));
diesel::joinable!(users -> org_units (org_unit_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(plans -> org_units (issuer_id));
diesel::joinable!(plan_movements -> plans (plan_id));
diesel::joinable!(plan_movements -> movements (movement_id));
diesel::joinable!(plan_legal_bases -> plans (plan_id));
diesel::joinable!(plan_legal_bases -> legal_documents (legal_document_id));
diesel::joinable!(criteria -> plans (plan_id));
diesel::joinable!(registrations -> org_units (org_unit_id));
diesel::joinable!(registrations -> staff (staff_id));
diesel::joinable!(evidence -> org_units (org_unit_id));
diesel::joinable!(evidence -> criteria (criterion_id));
diesel::joinable!(evidence_history -> evidence (evidence_id));
diesel::joinable!(evidence_files -> evidence (evidence_id));
diesel::joinable!(learning_records -> staff (staff_id));
diesel::joinable!(blocs -> org_units (owner_id));
diesel::joinable!(bloc_members -> blocs (bloc_id));
diesel::joinable!(bloc_members -> org_units (org_unit_id));

diesel::allow_tables_to_appear_in_same_query!(
    org_units,
    staff,
    users,
    sessions,
    refresh_tokens,
    audit_log,
    change_events,
    legal_documents,
    movements,
    plans,
    plan_movements,
    plan_legal_bases,
    plan_items,
    plan_phases,
    plan_award_forms,
    plan_responsibilities,
    criteria,
    registration_deadlines,
    registrations,
    evidence,
    evidence_history,
    stored_files,
    evidence_files,
    learning_records,
    blocs,
    bloc_members,
);
