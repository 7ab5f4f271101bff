-- The `auth` schema as Supabase Auth (GoTrue) leaves it, for tests: run on an empty database
-- BEFORE EDUZEN's migrations, which then find auth.users, auth.uid(), auth.role() and auth.jwt()
-- and leave them alone, as on a real Supabase project.
--
-- Written from the migrations of the supabase/auth repository (formerly netlify/gotrue),
-- folder migrations/, replayed in their order and folded into their end state:
--   00_init_auth_schema.up.sql                      users (id uuid NOT NULL, no default; instance_id,
--                                                   aud, role, email, encrypted_password, tokens,
--                                                   metadata, is_super_admin, timestamps), its
--                                                   instance_id indexes, refresh_tokens, instances,
--                                                   audit_log_entries, schema_migrations, uid(), role()
--   20210710035447_alter_users.up.sql               phone (unique), phone_confirmed_at, phone_change,
--                                                   phone_change_token, phone_change_sent_at;
--                                                   confirmed_at renamed email_confirmed_at
--   20210722035447_adds_confirmed_at.up.sql         confirmed_at, generated
--   20210730183235_add_email_change_confirmed.up.sql email_change_token_current,
--                                                   email_change_confirm_status (check 0..2);
--                                                   email_change_token renamed email_change_token_new
--   20210909172000_create_identities_table.up.sql   identities (user_id → users on delete cascade)
--   20211122151130_create_user_id_idx.up.sql        identities_user_id_idx
--   20220114185221_update_user_idx.up.sql           users_instance_id_email_idx on lower(email)
--   20220114185340_add_banned_until.up.sql          banned_until
--   20220224000811_update_auth_functions.up.sql     uid(), role(), email() reading request.jwt.claims
--   20220323170000_add_user_reauthentication.up.sql reauthentication_token, reauthentication_sent_at
--   20220429102000_add_unique_idx.up.sql            partial unique indexes on the token columns
--   20220531120530_add_auth_jwt_function.up.sql     jwt()
--   20220811173540_add_sessions_table.up.sql        sessions; refresh_tokens.session_id
--   20221003041349_add_mfa_schema.up.sql            the aal_level type
--   20221003041400_add_aal_and_factor_id_to_sessions.up.sql  sessions.factor_id, sessions.aal
--   20221020193600_add_sessions_user_id_index.up.sql sessions_user_id_idx
--   20221130112646_add_deleted_at.up.sql            deleted_at
--   20221215195500_modify_users_email_unique_index.up.sql  is_sso_user; users_email_key dropped for
--                                                   the partial unique index users_email_partial_key
--   20221215195800_add_identities_email_column.up.sql identities.email, generated, and its index
--   20230116124310_alter_phone_type.up.sql          phone and phone_change as text
--   20231117164230_add_id_pkey_identities.up.sql    identities.id renamed provider_id; a uuid id
--                                                   primary key; unique (provider_id, provider)
--   20240214120130_add_is_anonymous_column.up.sql   is_anonymous and its index
--
-- Left out: the tables EDUZEN never touches (MFA factors and challenges, SAML/SSO, flow state,
-- one-time tokens, OAuth clients) and GoTrue's comments. What matters for EDUZEN is kept as
-- GoTrue has it: no default on users.id, NULL-able token columns that GoTrue itself reads as
-- strings (so a writer must put '' there), email unique only among non-SSO users, and one
-- identities row per provider and provider id.

create schema if not exists auth;

do $$ begin
  create type auth.aal_level as enum ('aal1', 'aal2', 'aal3');
exception
  when duplicate_object then null;
end $$;

create table auth.users (
  instance_id uuid null,
  id uuid not null unique,
  aud varchar(255) null,
  "role" varchar(255) null,
  email varchar(255) null,
  encrypted_password varchar(255) null,
  email_confirmed_at timestamptz null,
  invited_at timestamptz null,
  confirmation_token varchar(255) null,
  confirmation_sent_at timestamptz null,
  recovery_token varchar(255) null,
  recovery_sent_at timestamptz null,
  email_change_token_new varchar(255) null,
  email_change varchar(255) null,
  email_change_sent_at timestamptz null,
  last_sign_in_at timestamptz null,
  raw_app_meta_data jsonb null,
  raw_user_meta_data jsonb null,
  is_super_admin bool null,
  created_at timestamptz null,
  updated_at timestamptz null,
  phone text null unique default null,
  phone_confirmed_at timestamptz null default null,
  phone_change text null default '',
  phone_change_token varchar(255) null default '',
  phone_change_sent_at timestamptz null default null,
  confirmed_at timestamptz generated always as (least(email_confirmed_at, phone_confirmed_at)) stored,
  email_change_token_current varchar(255) null default '',
  email_change_confirm_status smallint default 0 check (email_change_confirm_status >= 0 and email_change_confirm_status <= 2),
  banned_until timestamptz null,
  reauthentication_token varchar(255) null default '',
  reauthentication_sent_at timestamptz null default null,
  is_sso_user boolean not null default false,
  deleted_at timestamptz null,
  is_anonymous boolean not null default false,
  constraint users_pkey primary key (id)
);
create index users_instance_id_email_idx on auth.users using btree (instance_id, lower(email));
create index users_instance_id_idx on auth.users using btree (instance_id);
create unique index confirmation_token_idx on auth.users using btree (confirmation_token) where confirmation_token !~ '^[0-9 ]*$';
create unique index recovery_token_idx on auth.users using btree (recovery_token) where recovery_token !~ '^[0-9 ]*$';
create unique index email_change_token_current_idx on auth.users using btree (email_change_token_current) where email_change_token_current !~ '^[0-9 ]*$';
create unique index email_change_token_new_idx on auth.users using btree (email_change_token_new) where email_change_token_new !~ '^[0-9 ]*$';
create unique index reauthentication_token_idx on auth.users using btree (reauthentication_token) where reauthentication_token !~ '^[0-9 ]*$';
create unique index users_email_partial_key on auth.users (email) where (is_sso_user = false);
create index users_is_anonymous_idx on auth.users using btree (is_anonymous);

create table auth.identities (
  provider_id text not null,
  user_id uuid not null,
  identity_data jsonb not null,
  provider text not null,
  last_sign_in_at timestamptz null,
  created_at timestamptz null,
  updated_at timestamptz null,
  email text generated always as (lower(identity_data ->> 'email')) stored,
  id uuid default gen_random_uuid() primary key,
  constraint identities_provider_id_provider_unique unique (provider_id, provider),
  constraint identities_user_id_fkey foreign key (user_id) references auth.users (id) on delete cascade
);
create index identities_user_id_idx on auth.identities using btree (user_id);
create index identities_email_idx on auth.identities (email text_pattern_ops);

create table auth.sessions (
  id uuid not null,
  user_id uuid not null,
  created_at timestamptz null,
  updated_at timestamptz null,
  factor_id uuid null,
  aal auth.aal_level null,
  constraint sessions_pkey primary key (id),
  constraint sessions_user_id_fkey foreign key (user_id) references auth.users (id) on delete cascade
);
create index sessions_user_id_idx on auth.sessions (user_id);

create table auth.refresh_tokens (
  instance_id uuid null,
  id bigserial not null,
  "token" varchar(255) null,
  user_id varchar(255) null,
  revoked bool null,
  created_at timestamptz null,
  updated_at timestamptz null,
  session_id uuid null,
  constraint refresh_tokens_pkey primary key (id),
  constraint refresh_tokens_session_id_fkey foreign key (session_id) references auth.sessions (id) on delete cascade
);
create index refresh_tokens_instance_id_idx on auth.refresh_tokens using btree (instance_id);
create index refresh_tokens_instance_id_user_id_idx on auth.refresh_tokens using btree (instance_id, user_id);
create index refresh_tokens_token_idx on auth.refresh_tokens using btree (token);

create table auth.instances (
  id uuid not null,
  uuid uuid null,
  raw_base_config text null,
  created_at timestamptz null,
  updated_at timestamptz null,
  constraint instances_pkey primary key (id)
);

create table auth.audit_log_entries (
  instance_id uuid null,
  id uuid not null,
  payload json null,
  created_at timestamptz null,
  constraint audit_log_entries_pkey primary key (id)
);
create index audit_logs_instance_id_idx on auth.audit_log_entries using btree (instance_id);

create table auth.schema_migrations (
  "version" varchar(255) not null,
  constraint schema_migrations_pkey primary key ("version")
);

create or replace function auth.uid() returns uuid language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;

create or replace function auth.role() returns text language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;

create or replace function auth.email() returns text language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.email', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
  )::text
$$;

create or replace function auth.jwt() returns jsonb language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;
