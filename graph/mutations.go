package graph

import (
	"context"
	"reflect"

	"github.com/sodoan/sodoan/graph/model"
	"github.com/sodoan/sodoan/internal/account"
	"github.com/sodoan/sodoan/internal/dues"
	"github.com/sodoan/sodoan/internal/member"
	"github.com/sodoan/sodoan/internal/report"
	"github.com/sodoan/sodoan/internal/validate"
)

// respond finishes a mutation: p (its payload, holding what was written)
// with no userErrors when err is nil; a payload of p's type holding only
// the userErrors when err is the user's mistake (*apperr.Invalid); else
// err, a top-level error. Every payload type has UserErrors (the schema
// test TestEveryPayloadHasUserErrors checks), set here by reflection so 43
// resolvers need not spell out the same three branches.
func respond[P any](ctx context.Context, p *P, err error) (*P, error) {
	ue := noErrors
	if err != nil {
		if ue, err = userErrors(ctx, err); err != nil {
			return nil, err
		}
		p = new(P)
	}
	reflect.ValueOf(p).Elem().FieldByName("UserErrors").Set(reflect.ValueOf(ue))
	return p, nil
}

// write runs a mutation whose input's IDs decoded with err: a bad ID is
// answered as the payload's userErrors and w, the write, does not run.
func write[P any](ctx context.Context, err error, w func() (*P, error)) (*P, error) {
	if err != nil {
		return respond[P](ctx, nil, err)
	}
	return w()
}

// idsOf decodes the IDs of a mutation's input, gathering every bad one
// as a NOT_FOUND userError at its field, so that a form shows them all.
type idsOf struct{ v validate.Errors }

func (d *idsOf) bad(field []any) {
	d.v.Add(validate.Path(append([]any{"input"}, field...)...), validate.NotFound,
		"Không tìm thấy bản ghi với mã này.", "No record with this ID.")
}

// one decodes a required ID.
func (d *idsOf) one(kind model.Kind, id string, field ...any) int64 {
	n, err := model.DecodeID(kind, id)
	if err != nil {
		d.bad(field)
	}
	return n
}

// optional decodes an ID that may be left out.
func (d *idsOf) optional(kind model.Kind, id *string, field ...any) *int64 {
	if id == nil {
		return nil
	}
	n := d.one(kind, *id, field...)
	return &n
}

// list decodes a list of IDs, each reported at its index.
func (d *idsOf) list(kind model.Kind, ids []string, field ...any) []int64 {
	out := make([]int64, len(ids))
	for i, id := range ids {
		out[i] = d.one(kind, id, append(field[:len(field):len(field)], i)...)
	}
	return out
}

func (d *idsOf) err() error { return d.v.Err() }

// deleteByID answers a delete mutation: the record id names is deleted at
// version, unless id is bad (a NOT_FOUND userError on "id").
func deleteByID(ctx context.Context, kind model.Kind, id string, version int32, del func(context.Context, int64, int32) error) error {
	n, err := inputID(kind, id, "id")
	if err != nil {
		return err
	}
	return del(ctx, n, version)
}

// firstErr returns the first non-nil error.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// rolePayload answers a role grant or revocation with the account as it
// now is.
func (r *Resolver) rolePayload(ctx context.Context, accountID int64, err error) (*model.RolePayload, error) {
	if err != nil {
		return respond[model.RolePayload](ctx, nil, err)
	}
	a, err := r.freshAccount(ctx, accountID)
	return respond(ctx, &model.RolePayload{Account: a}, err)
}

// freshAccount reads an account just changed, past the request's loader,
// which may hold it as it was before.
func (r *Resolver) freshAccount(ctx context.Context, id int64) (*account.Account, error) {
	a, err := r.AccountStore.ByIDs(ctx, []int64{id})
	return a[id], err
}

// answerTransfer runs the receiving unit's answer to a transfer.
func (r *Resolver) answerTransfer(ctx context.Context, input model.MemberTransferAnswerInput,
	answer func(context.Context, member.AnswerInput) (*member.MemberTransfer, error)) (*model.MemberTransferAnswerPayload, error) {
	id, err := inputID(model.KindTransfer, input.ID, "id")
	return write(ctx, err, func() (*model.MemberTransferAnswerPayload, error) {
		t, err := answer(ctx, member.AnswerInput{ID: id, Version: input.Version, On: input.On, Note: value(input.Note)})
		return respond(ctx, &model.MemberTransferAnswerPayload{Transfer: t}, err)
	})
}

// answerRemittance runs the receiving unit's answer to a dues remittance.
func (r *Resolver) answerRemittance(ctx context.Context, input model.DuesRemittanceAnswerInput,
	answer func(context.Context, dues.AnswerInput) (*dues.Remittance, error)) (*model.DuesRemittanceAnswerPayload, error) {
	id, err := inputID(model.KindRemittance, input.ID, "id")
	return write(ctx, err, func() (*model.DuesRemittanceAnswerPayload, error) {
		rm, err := answer(ctx, dues.AnswerInput{ID: id, Version: input.Version, On: input.On, Note: value(input.Note)})
		return respond(ctx, &model.DuesRemittanceAnswerPayload{Remittance: rm}, err)
	})
}

// answerSubmission runs the parent's answer to a submitted report.
func (r *Resolver) answerSubmission(ctx context.Context, input model.ReportSubmissionAnswerInput,
	answer func(context.Context, report.AnswerInput) (*report.Submission, error)) (*model.ReportSubmissionAnswerPayload, error) {
	id, err := inputID(model.KindSubmission, input.ID, "id")
	return write(ctx, err, func() (*model.ReportSubmissionAnswerPayload, error) {
		sub, err := answer(ctx, report.AnswerInput{ID: id, Version: input.Version, Note: value(input.Note)})
		return respond(ctx, &model.ReportSubmissionAnswerPayload{Submission: sub}, err)
	})
}
