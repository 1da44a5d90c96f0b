-- Emailed password resets, single sign-on and encrypted second-factor secrets (issue 5).
--
-- password_links.purpose: 'set' for the 7-day link given to a new account (or by the
-- Virtual School Head), 'reset' for the one-hour link emailed from "Forgotten your
-- password?". Both are redeemed at /set-password/{token}; the purpose changes only the
-- page's words and the audit trail's.
--
-- web_sessions.first_factor: how the session's first factor was given: 'password', or
-- 'oidc' (the council's identity provider). With 'oidc' and a token whose amr held 'mfa'
-- the session is complete at once; otherwise the authenticator code follows as usual.
--
-- users.totp_secret now holds the secret encrypted with the service's key
-- ('enc1:' + base64url(nonce || ciphertext || tag)); secrets stored in clear before this
-- version are still read and are encrypted when the service starts or the secret is used.
ALTER TABLE password_links ADD COLUMN purpose TEXT NOT NULL DEFAULT 'set';
ALTER TABLE web_sessions ADD COLUMN first_factor TEXT NOT NULL DEFAULT 'password';
