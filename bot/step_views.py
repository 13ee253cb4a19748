"""How a form's current step is shown: the question with its buttons (options, Today, Keep,
Skip, Back and Cancel), or the summary with an edit button per answer and Submit.
"""

from __future__ import annotations

from datetime import date

from bot import form_kinds
from bot.buttons.form import FormAction
from bot.forms import (
    SUMMARY,
    Form,
    consent_needed,
    data,
    display,
    nav_row,
    summary_lines,
)
from bot.i18n import _, render
from bot.messaging import Button, in_columns
from bot.questions import Kind
from storage.drafts import DraftT


def question_view(
    form: Form[DraftT], draft: DraftT, today: date, note: str | None = None
) -> tuple[str, list[list[Button]]]:
    """The text and buttons of the draft's current step (today, where the person is, gives a
    date question its example)."""
    if draft.step == SUMMARY:
        return summary_view(form, draft, note)
    question = form.question(draft.step)
    assert question is not None, draft.step
    questions = form.applicable(draft.answers)
    keys = [q.key for q in questions]
    k = keys.index(question.key) + 1 if question.key in keys else 1
    value = draft.answers.get(question.key)
    rows: list[list[Button]] = []
    if question.kind in (Kind.CHOICE, Kind.MULTI, Kind.PICK):
        chosen = value or [] if question.kind == Kind.MULTI else [value]
        if question.kind == Kind.PICK:
            chosen = [value.get("option")] if isinstance(value, dict) else []
        buttons = [
            (
                ("✅ " if o.value in chosen else "") + _(o.label),
                data(
                    form,
                    draft,
                    FormAction.TICK if question.kind == Kind.MULTI else FormAction.CHOICE,
                    i,
                ),
            )
            for i, o in enumerate(question.options)
        ]
        rows += in_columns(buttons, question.columns)
        if question.kind == Kind.MULTI:
            rows.append([(_("☑️ Done"), data(form, draft, FormAction.DONE))])
    elif question.kind == Kind.CONSENT:
        yes, no = ("✅ " if value is True else "", "✅ " if value is False else "")
        rows.append(
            [
                (yes + _("Yes, I agree"), data(form, draft, FormAction.CHOICE, 1)),
                (no + _("No"), data(form, draft, FormAction.CHOICE, 0)),
            ]
        )
    prompt = question.ask(draft.answers) if question.ask else _(question.prompt)
    labels = form_kinds.labels()
    if question.kind == Kind.DATE and not question.future:
        rows.append(
            [
                (labels["today"], data(form, draft, FormAction.DAY, 0)),
                (labels["yesterday"], data(form, draft, FormAction.DAY, 1)),
            ]
        )
    if question.kind == Kind.ATTACHMENTS:
        prompt += "\n\n" + form_kinds.attachments_status(value)
        rows.append([(labels["done"], data(form, draft, FormAction.DONE))])
        if value:
            rows.append([(labels["remove"], data(form, draft, FormAction.REMOVE))])
    rows += [
        [(_(o.label), data(form, draft, FormAction.ANOTHER, i))]
        for i, o in enumerate(question.extra)
    ]
    keep = value not in (None, "", []) and question.kind in (
        Kind.TEXT,
        Kind.EMAIL,
        Kind.COUNTRY,
        Kind.NUMBER,
        Kind.DATE,
        Kind.PICK,
    )
    if keep:
        rows.append([(_("Keep current answer"), data(form, draft, FormAction.KEEP))])
    if question.optional and question.kind != Kind.ATTACHMENTS:
        if value in (None, [], "") or question.skip_label:
            skip = _(question.skip_label) if question.skip_label else _("Skip")
            rows.append([(skip, data(form, draft, FormAction.SKIP))])
        else:  # an optional answer can be taken back, not only replaced
            rows.append([(_("🗑 Remove this answer"), data(form, draft, FormAction.SKIP))])
    rows.append(nav_row(form, draft))
    example = _(question.example) if question.example else None
    if question.kind == Kind.DATE:  # a fixed date would one day lie on the wrong side of today
        example = form_kinds.date_example(question, today)
    text = render(
        "forms/question",
        title=_(form.title),
        k=k,
        n=len(questions),
        prompt=prompt,
        example=example,
        current=display(question, value) if keep else None,
        multi=question.kind == Kind.MULTI,
        optional=question.optional,
        note=note,
    )
    return text, rows


def summary_view(
    form: Form[DraftT], draft: DraftT, note: str | None = None
) -> tuple[str, list[list[Button]]]:
    """The summary with an edit button per answer, Submit and Cancel."""
    questions = form.applicable(draft.answers)
    # One question: Back reaches it, an edit button would say the same.
    edits = [
        (
            _("✏️ {label}").format(label=_(q.label)),
            data(form, draft, FormAction.EDIT, form.index(q.key)),
        )
        for q in questions
        if len(questions) > 1
    ]
    rows = in_columns(edits, 2)
    refused = form.refused(draft.answers)
    if not refused:  # without consent there is nothing to submit: no Submit button at all
        rows.append([(_(form.submit_label), data(form, draft, FormAction.SUBMIT))])
    rows.append(nav_row(form, draft))
    text = render(
        "forms/summary",
        title=_(form.title),
        lines=summary_lines(form, draft.answers),
        note=note,
        submit=_(form.submit_label),
        blocked=consent_needed(refused[0], at_summary=True) if refused else None,
        confirm_note=_(form.confirm_note) if form.confirm_note else None,
        about=form.about(draft.answers) if form.about else None,
    )
    return text, rows
