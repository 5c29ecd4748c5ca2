DROP INDEX criteria_current_code;
