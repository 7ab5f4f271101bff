-- Enrollment waitlist: promotion of waitlisted learners when seats free up.
--
-- A seat is held by an enrollment whose status is pending, confirmed or completed; a session
-- with a null capacity_max has no limit. The first in line (earliest enrolled_at, then id) is
-- promoted to confirmed, as many as there are free seats. One function does it, called by the
-- API in the transaction that frees a seat, and by a trigger when a session's capacity is
-- raised, so that every path promotes the same way.
--
-- The function runs as its caller (security invoker): row-level security still decides what
-- the caller may read and change. It locks the session row first, which serialises it with
-- enrollments into that session (they take the same lock), so seats are never overbooked.

create or replace function public.promote_waitlisted(p_organization_id uuid, p_session_id uuid)
  returns table (enrollment_id uuid)
  language plpgsql
  set search_path = public, pg_temp
  as $$
declare
  v_capacity integer;
  v_status text;
  v_taken integer;
begin
  select s.capacity_max, s.status into v_capacity, v_status
    from public.sessions s
    where s.organization_id = p_organization_id and s.id = p_session_id
    for update;
  if not found or v_status in ('cancelled', 'completed') then
    return;
  end if;
  select count(*) into v_taken
    from public.enrollments e
    where e.organization_id = p_organization_id and e.session_id = p_session_id
      and e.status in ('pending', 'confirmed', 'completed');
  return query
    update public.enrollments e
      set status = 'confirmed', cancelled_at = null
      where e.organization_id = p_organization_id
        and e.id in (
          select w.id from public.enrollments w
          where w.organization_id = p_organization_id and w.session_id = p_session_id
            and w.status = 'waitlisted'
          order by w.enrolled_at, w.id
          limit case when v_capacity is null then null else greatest(v_capacity - v_taken, 0) end
        )
      returning e.id;
end
$$;

revoke all on function public.promote_waitlisted(uuid, uuid) from public;
grant execute on function public.promote_waitlisted(uuid, uuid) to authenticated, service_role;

create or replace function public.sessions_promote_on_capacity() returns trigger
  language plpgsql
  set search_path = public, pg_temp
  as $$
begin
  perform public.promote_waitlisted(new.organization_id, new.id);
  return null;
end
$$;

create trigger sessions_promote_on_capacity after update of capacity_max on public.sessions
  for each row
  when (new.capacity_max is null and old.capacity_max is not null
        or new.capacity_max > old.capacity_max)
  execute function public.sessions_promote_on_capacity();
