/// The system store's baseline: the original implementation's schema version 24, table for table,
/// so a `system.duckdb` written by the original (v24) opens and migrates. Every statement is
/// idempotent (`IF NOT EXISTS`), which also self-heals a file missing a table.
///
/// One deliberate difference: no foreign keys. DuckDB turns an update of a uniquely indexed column
/// into delete + insert, so with `user_group_members.group_id REFERENCES user_groups(id)` a group with
/// members could not be renamed, and children deleted in the same transaction as their parent still
/// block it. Referential integrity is kept by the repositories (checked inserts, children deleted first).
enum BaselineSchema {
    static let version = 24

    static let statements: [String] = [
        """
        CREATE TABLE IF NOT EXISTS schema_version (
            version INTEGER NOT NULL,
            applied_at TIMESTAMP DEFAULT current_timestamp
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS users (
            id VARCHAR PRIMARY KEY,
            email VARCHAR UNIQUE NOT NULL,
            name VARCHAR,
            password_hash VARCHAR,
            setup_token VARCHAR,
            setup_token_created TIMESTAMP,
            reset_token VARCHAR,
            reset_token_created TIMESTAMP,
            active BOOLEAN NOT NULL DEFAULT TRUE,
            deactivated_at TIMESTAMP,
            deactivated_by VARCHAR,
            created_at TIMESTAMP DEFAULT current_timestamp,
            updated_at TIMESTAMP
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS sync_state (
            table_id VARCHAR PRIMARY KEY,
            last_sync TIMESTAMP,
            rows BIGINT,
            file_size_bytes BIGINT,
            uncompressed_size_bytes BIGINT,
            columns INTEGER,
            hash VARCHAR,
            status VARCHAR DEFAULT 'ok',
            error TEXT
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS view_ownership (
            view_name VARCHAR PRIMARY KEY,
            source_name VARCHAR NOT NULL,
            registered_at TIMESTAMP NOT NULL DEFAULT current_timestamp
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS sync_history (
            id VARCHAR PRIMARY KEY,
            table_id VARCHAR NOT NULL,
            synced_at TIMESTAMP NOT NULL,
            rows BIGINT,
            duration_ms INTEGER,
            status VARCHAR,
            error TEXT
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS user_sync_settings (
            user_id VARCHAR,
            dataset VARCHAR,
            enabled BOOLEAN DEFAULT false,
            table_mode VARCHAR DEFAULT 'all',
            tables JSON,
            updated_at TIMESTAMP,
            PRIMARY KEY (user_id, dataset)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS knowledge_items (
            id VARCHAR PRIMARY KEY,
            title VARCHAR NOT NULL,
            content TEXT,
            category VARCHAR,
            tags JSON,
            status VARCHAR DEFAULT 'pending',
            contributors JSON,
            source_user VARCHAR,
            audience VARCHAR,
            confidence DOUBLE,
            domain VARCHAR,
            entities JSON,
            source_type VARCHAR DEFAULT 'claude_local_md',
            source_ref VARCHAR,
            valid_from TIMESTAMP,
            valid_until TIMESTAMP,
            supersedes VARCHAR,
            sensitivity VARCHAR DEFAULT 'internal',
            is_personal BOOLEAN DEFAULT FALSE,
            created_at TIMESTAMP DEFAULT current_timestamp,
            updated_at TIMESTAMP
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS knowledge_contradictions (
            id VARCHAR PRIMARY KEY,
            item_a_id VARCHAR NOT NULL,
            item_b_id VARCHAR NOT NULL,
            explanation TEXT,
            severity VARCHAR,
            suggested_resolution TEXT,
            resolved BOOLEAN DEFAULT FALSE,
            resolved_by VARCHAR,
            resolved_at TIMESTAMP,
            resolution VARCHAR,
            detected_at TIMESTAMP DEFAULT current_timestamp
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS knowledge_item_relations (
            item_a_id VARCHAR,
            item_b_id VARCHAR,
            relation_type VARCHAR,
            score DOUBLE,
            resolved BOOLEAN DEFAULT FALSE,
            resolved_by VARCHAR,
            resolved_at TIMESTAMP,
            resolution VARCHAR,
            created_at TIMESTAMP DEFAULT current_timestamp,
            PRIMARY KEY (item_a_id, item_b_id, relation_type)
        )
        """,
        "CREATE INDEX IF NOT EXISTS idx_knowledge_item_relations_resolved ON knowledge_item_relations (resolved)",
        """
        CREATE TABLE IF NOT EXISTS session_extraction_state (
            session_file VARCHAR PRIMARY KEY,
            username VARCHAR NOT NULL,
            processed_at TIMESTAMP DEFAULT current_timestamp,
            items_extracted INTEGER DEFAULT 0,
            file_hash VARCHAR
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS verification_evidence (
            id VARCHAR PRIMARY KEY,
            item_id VARCHAR NOT NULL,
            source_user VARCHAR,
            source_ref VARCHAR,
            detection_type VARCHAR,
            user_quote TEXT,
            created_at TIMESTAMP DEFAULT current_timestamp
        )
        """,
        "CREATE INDEX IF NOT EXISTS idx_verification_evidence_item ON verification_evidence (item_id)",
        """
        CREATE TABLE IF NOT EXISTS knowledge_votes (
            item_id VARCHAR,
            user_id VARCHAR,
            vote INTEGER,
            voted_at TIMESTAMP DEFAULT current_timestamp,
            PRIMARY KEY (item_id, user_id)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS audit_log (
            id VARCHAR PRIMARY KEY,
            timestamp TIMESTAMP NOT NULL DEFAULT current_timestamp,
            user_id VARCHAR,
            action VARCHAR NOT NULL,
            resource VARCHAR,
            params JSON,
            result VARCHAR,
            duration_ms INTEGER
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS telegram_links (
            user_id VARCHAR PRIMARY KEY,
            chat_id BIGINT NOT NULL,
            linked_at TIMESTAMP DEFAULT current_timestamp
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS pending_codes (
            code VARCHAR PRIMARY KEY,
            chat_id BIGINT NOT NULL,
            created_at TIMESTAMP DEFAULT current_timestamp
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS script_registry (
            id VARCHAR PRIMARY KEY,
            name VARCHAR NOT NULL,
            owner VARCHAR,
            schedule VARCHAR,
            source TEXT NOT NULL,
            deployed_at TIMESTAMP DEFAULT current_timestamp,
            last_run TIMESTAMP,
            last_status VARCHAR
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS table_registry (
            id VARCHAR PRIMARY KEY,
            name VARCHAR NOT NULL,
            source_type VARCHAR,
            bucket VARCHAR,
            source_table VARCHAR,
            source_query TEXT,
            sync_strategy VARCHAR DEFAULT 'full_refresh',
            query_mode VARCHAR DEFAULT 'local',
            sync_schedule VARCHAR,
            profile_after_sync BOOLEAN DEFAULT true,
            primary_key VARCHAR,
            folder VARCHAR,
            description TEXT,
            registered_by VARCHAR,
            registered_at TIMESTAMP DEFAULT current_timestamp
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS table_profiles (
            table_id VARCHAR PRIMARY KEY,
            profile JSON NOT NULL,
            profiled_at TIMESTAMP DEFAULT current_timestamp
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS metric_definitions (
            id VARCHAR PRIMARY KEY,
            name VARCHAR NOT NULL,
            display_name VARCHAR NOT NULL,
            category VARCHAR NOT NULL,
            description TEXT,
            type VARCHAR DEFAULT 'sum',
            unit VARCHAR,
            grain VARCHAR DEFAULT 'monthly',
            table_name VARCHAR,
            tables VARCHAR[],
            expression VARCHAR,
            time_column VARCHAR,
            dimensions VARCHAR[],
            filters VARCHAR[],
            synonyms VARCHAR[],
            notes VARCHAR[],
            sql TEXT NOT NULL,
            sql_variants JSON,
            validation JSON,
            source VARCHAR DEFAULT 'manual',
            created_at TIMESTAMP DEFAULT current_timestamp,
            updated_at TIMESTAMP DEFAULT current_timestamp
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS column_metadata (
            table_id VARCHAR,
            column_name VARCHAR,
            basetype VARCHAR,
            description VARCHAR,
            confidence VARCHAR DEFAULT 'manual',
            source VARCHAR DEFAULT 'manual',
            updated_at TIMESTAMP DEFAULT current_timestamp,
            PRIMARY KEY (table_id, column_name)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS personal_access_tokens (
            id VARCHAR PRIMARY KEY,
            user_id VARCHAR NOT NULL,
            name VARCHAR NOT NULL,
            token_hash VARCHAR NOT NULL,
            prefix VARCHAR NOT NULL,
            scopes VARCHAR,
            created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
            expires_at TIMESTAMP,
            last_used_at TIMESTAMP,
            last_used_ip VARCHAR,
            revoked_at TIMESTAMP
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS marketplace_registry (
            id VARCHAR PRIMARY KEY,
            name VARCHAR NOT NULL,
            url VARCHAR NOT NULL,
            branch VARCHAR,
            token_env VARCHAR,
            description TEXT,
            registered_by VARCHAR,
            registered_at TIMESTAMP DEFAULT current_timestamp,
            last_synced_at TIMESTAMP,
            last_commit_sha VARCHAR,
            last_error TEXT
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS marketplace_plugins (
            marketplace_id VARCHAR,
            name VARCHAR,
            description TEXT,
            version VARCHAR,
            author_name VARCHAR,
            homepage VARCHAR,
            category VARCHAR,
            source_type VARCHAR,
            source_spec JSON,
            raw JSON,
            updated_at TIMESTAMP DEFAULT current_timestamp,
            PRIMARY KEY (marketplace_id, name)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS user_groups (
            id VARCHAR PRIMARY KEY,
            name VARCHAR NOT NULL UNIQUE,
            description TEXT,
            is_system BOOLEAN DEFAULT FALSE,
            created_at TIMESTAMP DEFAULT current_timestamp,
            created_by VARCHAR
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS user_group_members (
            user_id VARCHAR NOT NULL,
            group_id VARCHAR NOT NULL,
            source VARCHAR NOT NULL,
            added_at TIMESTAMP DEFAULT current_timestamp,
            added_by VARCHAR,
            PRIMARY KEY (user_id, group_id)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS resource_grants (
            id VARCHAR PRIMARY KEY,
            group_id VARCHAR NOT NULL,
            resource_type VARCHAR NOT NULL,
            resource_id VARCHAR NOT NULL,
            assigned_at TIMESTAMP DEFAULT current_timestamp,
            assigned_by VARCHAR,
            UNIQUE (group_id, resource_type, resource_id)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS welcome_template (
            id INTEGER PRIMARY KEY DEFAULT 1 CHECK (id = 1),
            content TEXT,
            updated_at TIMESTAMP,
            updated_by VARCHAR
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS setup_banner (
            id INTEGER PRIMARY KEY DEFAULT 1 CHECK (id = 1),
            content TEXT,
            updated_at TIMESTAMP,
            updated_by VARCHAR
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS claude_md_template (
            id INTEGER PRIMARY KEY DEFAULT 1 CHECK (id = 1),
            content TEXT,
            updated_at TIMESTAMP,
            updated_by VARCHAR
        )
        """,
        "INSERT INTO welcome_template (id) VALUES (1) ON CONFLICT DO NOTHING",
        "INSERT INTO setup_banner (id) VALUES (1) ON CONFLICT DO NOTHING",
        "INSERT INTO claude_md_template (id) VALUES (1) ON CONFLICT DO NOTHING",
    ]
}
