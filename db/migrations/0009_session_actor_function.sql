-- Custom migration: the actor of a session in one call (server/auth/actor.ts), every request.
-- The same SELECT sent as text is parsed and planned each time; inside PL/pgSQL the plan is
-- cached per connection, which halves the lookup on the embedded engine (npm run bench -- auth).
-- Arguments: the SHA-256 of the cookie token (base64url), the instant of the request, the idle
-- timeout in minutes. Returns no row for an unknown, revoked, expired or idle session or a
-- disabled account. `stale`: last_seen_at is older than a minute (the caller then touches it).
CREATE OR REPLACE FUNCTION cg_session_actor(p_token_hash text, p_at timestamptz, p_idle_minutes int)
RETURNS TABLE (id int, name text, display_name text, role_code text, scope text, department_id int,
               district_codes text[], actions text[], must_change_password boolean, demo boolean, stale boolean)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  SELECT u.id, u.username, u.display_name, u.role_code, r.scope, u.department_id, u.district_codes::text[],
         coalesce((SELECT array_agg(rp.permission ORDER BY rp.permission) FROM role_permissions rp WHERE rp.role_code = r.code), '{}')::text[],
         u.must_change_password, u.demo, s.last_seen_at < p_at - interval '1 minute'
  FROM sessions s JOIN users u ON u.id = s.user_id JOIN roles r ON r.code = u.role_code
  WHERE s.token_hash = p_token_hash AND s.revoked_at IS NULL AND u.disabled_at IS NULL
    AND s.expires_at > p_at AND s.last_seen_at > p_at - make_interval(mins => p_idle_minutes);
END $$;
