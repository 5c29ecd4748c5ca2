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
        chain_seq -> Nullable<BigInt>,
        prev_hash -> Nullable<Text>,
        hash -> Nullable<Text>,
        mac -> Nullable<Text>,
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
        position -> Nullable<BigInt>,
    }
}

diesel::table! {
    ledger_head (id) {
        id -> Integer,
        feed_position -> BigInt,
        audit_seq -> BigInt,
        audit_hash -> Text,
    }
}

diesel::table! {
    throttle_windows (key) {
        key -> Text,
        window_ends -> Timestamp,
        attempts -> Integer,
    }
}

diesel::table! {
    idempotency_keys (owner, key) {
        owner -> Text,
        key -> Text,
        request_hash -> Text,
        status -> Nullable<Integer>,
        content_type -> Nullable<Text>,
        etag -> Nullable<Text>,
        location -> Nullable<Text>,
        body -> Nullable<Binary>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    api_clients (id) {
        id -> Text,
        name -> Text,
        client_id -> Text,
        secret_hash -> Text,
        scopes -> Text,
        active -> Bool,
        secret_rotated_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        org_unit_id -> Nullable<Text>,
    }
}

diesel::table! {
    webhook_subscriptions (id) {
        id -> Text,
        name -> Text,
        url -> Text,
        secret -> Text,
        event_types -> Text,
        active -> Bool,
        disabled_reason -> Nullable<Text>,
        consecutive_failures -> Integer,
        cursor -> BigInt,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        subscription_id -> Text,
        event_id -> Text,
        event_type -> Text,
        position -> Nullable<BigInt>,
        payload -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        last_status_code -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        delivered_at -> Nullable<Timestamp>,
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
        owner_unit_id -> Nullable<Text>,
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
        owner_unit_id -> Nullable<Text>,
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

diesel::table! {
    award_types (id) {
        id -> Text,
        code -> Text,
        name -> Text,
        name_search -> Text,
        kind -> Text,
        subject -> Text,
        level -> Text,
        authority -> Text,
        occasions -> Text,
        cash_multiplier -> Integer,
        collective_doubles -> Bool,
        rank -> Integer,
        active -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    rule_sets (id) {
        id -> Text,
        code -> Text,
        name -> Text,
        legal_source -> Text,
        valid_from -> Date,
        valid_to -> Nullable<Date>,
        org_unit_id -> Nullable<Text>,
        rules -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    holidays (day) {
        day -> Date,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    unit_holidays (org_unit_id, day) {
        org_unit_id -> Text,
        day -> Date,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    base_salaries (valid_from) {
        valid_from -> Date,
        amount -> BigInt,
        legal_source -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    initiatives (id) {
        id -> Text,
        title -> Text,
        title_search -> Text,
        org_unit_id -> Text,
        scope -> Text,
        recognised_by -> Text,
        document_number -> Text,
        recognised_on -> Date,
        active -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    initiative_authors (initiative_id, staff_id) {
        initiative_id -> Text,
        staff_id -> Text,
    }
}

diesel::table! {
    disciplines (id) {
        id -> Text,
        staff_id -> Text,
        level -> Text,
        reason -> Text,
        starts_on -> Date,
        ends_on -> Nullable<Date>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    nominations (id) {
        id -> Text,
        award_type_id -> Text,
        staff_id -> Nullable<Text>,
        nominee_unit_id -> Text,
        plan_id -> Nullable<Text>,
        movement_id -> Nullable<Text>,
        year -> Integer,
        occasion -> Text,
        period_from -> Date,
        period_to -> Date,
        summary -> Text,
        search_text -> Text,
        proposer_unit_id -> Text,
        current_unit_id -> Nullable<Text>,
        granting_unit_id -> Text,
        status -> Text,
        created_by -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    nomination_steps (id) {
        id -> Text,
        nomination_id -> Text,
        unit_id -> Nullable<Text>,
        action -> Text,
        status -> Text,
        reason -> Nullable<Text>,
        actor_id -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::table! {
    nomination_files (id) {
        id -> Text,
        nomination_id -> Text,
        sha256 -> Text,
        file_name -> Text,
        content_type -> Text,
        size -> BigInt,
        added_by -> Nullable<Text>,
        added_at -> Timestamp,
    }
}

diesel::table! {
    councils (id) {
        id -> Text,
        name -> Text,
        org_unit_id -> Text,
        active -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    council_members (council_id, user_id) {
        council_id -> Text,
        user_id -> Text,
        position -> Text,
    }
}

diesel::table! {
    council_sessions (id) {
        id -> Text,
        council_id -> Text,
        title -> Text,
        meets_on -> Date,
        quorum -> Integer,
        status -> Text,
        members_total -> Nullable<Integer>,
        opened_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    session_attendance (session_id, user_id) {
        session_id -> Text,
        user_id -> Text,
    }
}

diesel::table! {
    session_nominations (session_id, nomination_id) {
        session_id -> Text,
        nomination_id -> Text,
        agree -> Integer,
        disagree -> Integer,
        abstain -> Integer,
        outcome -> Nullable<Text>,
    }
}

diesel::table! {
    ballot_receipts (session_id, nomination_id, user_id) {
        session_id -> Text,
        nomination_id -> Text,
        user_id -> Text,
    }
}

diesel::table! {
    recusals (session_id, nomination_id, user_id) {
        session_id -> Text,
        nomination_id -> Text,
        user_id -> Text,
        reason -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    disclosures (id) {
        id -> Text,
        title -> Text,
        org_unit_id -> Text,
        starts_on -> Date,
        ends_on -> Date,
        working_days -> Integer,
        created_by -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    disclosure_nominations (disclosure_id, nomination_id) {
        disclosure_id -> Text,
        nomination_id -> Text,
    }
}

diesel::table! {
    disclosure_feedback (id) {
        id -> Text,
        disclosure_id -> Text,
        nomination_id -> Nullable<Text>,
        author_name -> Nullable<Text>,
        contact -> Nullable<Text>,
        content -> Text,
        received_at -> Timestamp,
    }
}

diesel::table! {
    award_decisions (id) {
        id -> Text,
        number -> Text,
        decided_on -> Date,
        signer -> Text,
        authority -> Text,
        org_unit_id -> Text,
        award_year -> Integer,
        period_from -> Date,
        period_to -> Date,
        occasion -> Text,
        status -> Text,
        revoked_reason -> Nullable<Text>,
        revoked_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    awards (id) {
        id -> Text,
        decision_id -> Text,
        nomination_id -> Nullable<Text>,
        award_type_id -> Text,
        staff_id -> Nullable<Text>,
        subject_unit_id -> Text,
        recipient_name -> Text,
        name_search -> Text,
        year -> Integer,
        period_from -> Date,
        period_to -> Date,
        occasion -> Text,
        cash_amount -> BigInt,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
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
diesel::joinable!(rule_sets -> org_units (org_unit_id));
diesel::joinable!(initiatives -> org_units (org_unit_id));
diesel::joinable!(initiative_authors -> initiatives (initiative_id));
diesel::joinable!(initiative_authors -> staff (staff_id));
diesel::joinable!(disciplines -> staff (staff_id));
diesel::joinable!(nominations -> award_types (award_type_id));
diesel::joinable!(nominations -> staff (staff_id));
diesel::joinable!(nomination_steps -> nominations (nomination_id));
diesel::joinable!(nomination_files -> nominations (nomination_id));
diesel::joinable!(councils -> org_units (org_unit_id));
diesel::joinable!(council_members -> councils (council_id));
diesel::joinable!(council_members -> users (user_id));
diesel::joinable!(council_sessions -> councils (council_id));
diesel::joinable!(session_attendance -> council_sessions (session_id));
diesel::joinable!(session_nominations -> council_sessions (session_id));
diesel::joinable!(session_nominations -> nominations (nomination_id));
diesel::joinable!(recusals -> council_sessions (session_id));
diesel::joinable!(disclosures -> org_units (org_unit_id));
diesel::joinable!(disclosure_nominations -> disclosures (disclosure_id));
diesel::joinable!(disclosure_nominations -> nominations (nomination_id));
diesel::joinable!(disclosure_feedback -> disclosures (disclosure_id));
diesel::joinable!(award_decisions -> org_units (org_unit_id));
diesel::joinable!(awards -> award_decisions (decision_id));
diesel::joinable!(awards -> award_types (award_type_id));
diesel::joinable!(awards -> staff (staff_id));

diesel::allow_tables_to_appear_in_same_query!(
    org_units,
    staff,
    users,
    sessions,
    refresh_tokens,
    audit_log,
    change_events,
    ledger_head,
    throttle_windows,
    idempotency_keys,
    api_clients,
    webhook_subscriptions,
    webhook_deliveries,
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
    award_types,
    rule_sets,
    holidays,
    unit_holidays,
    base_salaries,
    initiatives,
    initiative_authors,
    disciplines,
    nominations,
    nomination_steps,
    nomination_files,
    councils,
    council_members,
    council_sessions,
    session_attendance,
    session_nominations,
    ballot_receipts,
    recusals,
    disclosures,
    disclosure_nominations,
    disclosure_feedback,
    award_decisions,
    awards,
);
