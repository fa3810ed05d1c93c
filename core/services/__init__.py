"""One function per user action. See core/services/base.py for the contract.

Every service is `fn(database, actor, ...) -> Changes`, runs in one write
transaction, checks the permission (and the agent's case scope), validates with
French ValidationError(field=...), writes the journal (author = the actor), keeps
last activity, criticality and the search index of the touched cases fresh, and
appends an audit event.

- cases: create_case, update_case, update_household, update_dwelling, assign_agent,
  set_case_kinds, link_objective, unlink_objective
- status: change_status (TRANSITIONS, allowed_transitions), close_case, reopen_case
- disorders: report_disorders, withdraw_disorder, set_reported_disorders
- visits: schedule_visit, reschedule_visit, cancel_visit, record_visit_done,
  link_visit_cases, conclude_visit
- referrals: send_referral, record_referral_answer; query overdue_referrals
- relocation: open_relocation, update_relocation, add_proposal, record_cal_decision,
  record_household_decision, close_relocation_rehoused, close_relocation_abandoned
- commissions: create_commission, add_to_agenda, remove_from_agenda,
  record_commission_decision; queries agenda_candidates, agenda
- tasks: create_task, complete_task (rule-made reminders: core.reminders)
- notes: add_note, set_note_shareable
- attachments: add_attachment, remove_attachment (photos keep their EXIF shooting date)
"""
