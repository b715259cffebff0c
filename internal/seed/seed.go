// Package seed loads the demo: a small slice of a provincial Youth Union with
// one branch's 2022 recorded in full and its 2023 in part, the 2025 reform
// that merged the province into another (reform.go) and 2026 in the new
// tree, so that a newcomer sees a working product on first start.
//
// Everything goes through the same stores the API uses, inside one
// transaction: the demo obeys every rule a secretary's input does, and a
// failure leaves the database as it was.
package seed

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sodoan/sodoan/internal/account"
	"github.com/sodoan/sodoan/internal/activity"
	"github.com/sodoan/sodoan/internal/award"
	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/member"
	"github.com/sodoan/sodoan/internal/org"
)

// ErrNotEmpty is returned when the database already holds records: the demo
// is only ever added to an empty database, never mixed into real data.
var ErrNotEmpty = errors.New("the database already holds units; the demo loads only into an empty database")

// Summary counts what the demo wrote.
type Summary struct {
	Units, Members, Campaigns, Activities, Participations, Contributions, Commendations, Pledges, Ratings, Accounts int
	// Decisions are the dated restructuring decisions, Posts the committee
	// posts recorded.
	Decisions, Posts int
}

func (s Summary) String() string {
	return fmt.Sprintf("%d units, %d members, %d campaigns, %d activities, %d participations, %d contributions, %d commendations, %d pledges, %d ratings, %d accounts, %d restructuring decisions, %d committee posts",
		s.Units, s.Members, s.Campaigns, s.Activities, s.Participations, s.Contributions, s.Commendations, s.Pledges, s.Ratings, s.Accounts, s.Decisions, s.Posts)
}

// Empty reports whether the database holds no units (and so no records).
func Empty(ctx context.Context, conn db.DB) (bool, error) {
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM units)`).Scan(&exists); err != nil {
		return false, fmt.Errorf("look for existing units: %w", err)
	}
	return !exists, nil
}

// Options choose what of the demo's history to load.
type Options struct {
	// BeforeReform stops the demo's history on 30/6/2025, before the
	// reform's decisions, so that they can be entered through the API as an
	// office would.
	BeforeReform bool
}

// Load writes the demo into an empty database. Concurrent calls are safe:
// one loads, the others get ErrNotEmpty.
func Load(ctx context.Context, pool *pgxpool.Pool) (Summary, error) {
	return LoadWith(ctx, pool, Options{})
}

// LoadWith is Load with options.
func LoadWith(ctx context.Context, pool *pgxpool.Pool, opts Options) (Summary, error) {
	var sum Summary
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, db.WritePlans); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('sodoan.seed'))`); err != nil {
			return fmt.Errorf("lock for demo data: %w", err)
		}
		empty, err := Empty(ctx, tx)
		if err != nil {
			return err
		}
		if !empty {
			return ErrNotEmpty
		}
		l := &loader{
			ctx:      ctx,
			units:    org.NewStore(tx),
			members:  member.NewStore(tx),
			activity: activity.NewStore(tx),
			awards:   award.NewStore(tx),
			accounts: account.NewStore(tx, account.DefaultPolicy),
			timeline: org.NewTimeline(tx),
			tx:       tx,
			opts:     opts,
		}
		l.demo()
		sum = l.sum
		return l.err
	})
	if err != nil {
		return Summary{}, fmt.Errorf("load demo data: %w", err)
	}
	return sum, nil
}

// loader keeps the first error so the demo below reads as a list of records
// rather than a list of error checks; once it fails, later calls do nothing.
type loader struct {
	ctx      context.Context
	units    *org.Store
	members  *member.Store
	activity *activity.Store
	awards   *award.Store
	accounts *account.Store
	timeline *org.Timeline
	tx       pgx.Tx
	opts     Options
	err      error
	sum      Summary
}

func (l *loader) fail(what string, err error) {
	if l.err == nil && err != nil {
		l.err = fmt.Errorf("%s: %w", what, err)
	}
}

// record makes one record with create unless an earlier call failed,
// keeps create's error under what, and counts the record in n (nil: not
// counted).
func record[T any](l *loader, what string, n *int, create func() (T, error)) T {
	var rec T
	if l.err != nil {
		return rec
	}
	rec, err := create()
	l.fail(what, err)
	if n != nil {
		*n++
	}
	return rec
}

func (l *loader) unit(parent *org.Unit, level org.Level, name, short, address string) *org.Unit {
	in := org.CreateInput{Level: level, Name: name, ShortName: opt(short), Address: opt(address)}
	if parent != nil {
		in.ParentID = &parent.ID
	}
	return record(l, "unit "+name, &l.sum.Units, func() (*org.Unit, error) { return l.units.Create(l.ctx, in) })
}

// person is a member as the demo lists them.
type person struct {
	name     string
	gender   member.Gender
	born     string // YYYY-MM-DD
	joined   string
	position member.Position
	card     string
	phone    string
}

func (l *loader) member(u *org.Unit, p person) *member.Member {
	return record(l, "member "+p.name, &l.sum.Members, func() (*member.Member, error) {
		return l.members.Create(l.ctx, member.CreateInput{
			UnitID: u.ID, FullName: p.name, Gender: p.gender, BirthDate: day(p.born), JoinedOn: day(p.joined),
			CardNumber: opt(p.card), Position: p.position, Phone: opt(p.phone),
		})
	})
}

func (l *loader) memberList(u *org.Unit, people []person) []*member.Member {
	out := make([]*member.Member, 0, len(people))
	for _, p := range people {
		out = append(out, l.member(u, p))
	}
	return out
}

func (l *loader) campaign(u *org.Unit, name string, year int, area activity.WorkArea, about string) *activity.Campaign {
	return record(l, "campaign "+name, &l.sum.Campaigns, func() (*activity.Campaign, error) {
		return l.activity.CreateCampaign(l.ctx, activity.CampaignInput{
			UnitID: u.ID, Name: name, Year: year, WorkArea: area, Description: opt(about),
		})
	})
}

func (l *loader) activityOf(in activity.ActivityInput) *activity.Activity {
	if in.Status == "" {
		in.Status = activity.Done
	}
	return record(l, "activity "+in.Title, &l.sum.Activities, func() (*activity.Activity, error) {
		return l.activity.CreateActivity(l.ctx, in)
	})
}

// took records who took part; the first of ms organised it.
func (l *loader) took(a *activity.Activity, hours float64, ms ...*member.Member) {
	if l.err != nil || len(ms) == 0 {
		return
	}
	list := make([]activity.ParticipantInput, len(ms))
	for i, m := range ms {
		role := activity.Participant
		if i == 0 {
			role = activity.Organiser
		}
		list[i] = activity.ParticipantInput{MemberID: m.ID, Role: role, Attended: true, VolunteerHours: hours}
	}
	_, err := l.activity.RecordParticipations(l.ctx, a.ID, list)
	l.fail("participants of "+a.Title, err)
	l.sum.Participations += len(list)
}

func (l *loader) contribution(in activity.ContributionInput) {
	record(l, "contribution "+in.Description, &l.sum.Contributions, func() (*activity.Contribution, error) {
		return l.activity.CreateContribution(l.ctx, in)
	})
}

func (l *loader) commend(in award.CommendationInput) {
	record(l, "commendation "+in.Title, &l.sum.Commendations, func() (*award.Commendation, error) {
		return l.awards.CreateCommendation(l.ctx, in)
	})
}

func (l *loader) pledge(u *org.Unit, year int, title, about string, on string, signers []*member.Member) {
	if l.err != nil {
		return
	}
	p, err := l.awards.CreatePledge(l.ctx, award.PledgeInput{UnitID: u.ID, Year: year, Title: title, Description: opt(about)})
	l.fail("pledge "+title, err)
	if err != nil {
		return
	}
	l.sum.Pledges++
	_, err = l.awards.Sign(l.ctx, p.ID, ids(signers), day(on))
	l.fail("signatures on "+title, err)
}

func (l *loader) rate(year int, ratings map[*member.Member]member.RatingLevel) {
	if l.err != nil {
		return
	}
	list := make([]member.RatingInput, 0, len(ratings))
	for m, level := range ratings {
		list = append(list, member.RatingInput{MemberID: m.ID, Level: level})
	}
	_, err := l.members.Rate(l.ctx, year, list)
	l.fail(fmt.Sprintf("ratings for %d", year), err)
	l.sum.Ratings += len(list)
}

// term opens a committee term of u; to "" means still running.
func (l *loader) term(u *org.Unit, name, from, to, decision string) *org.Term {
	if l.err != nil {
		return nil // u may be a unit that failed to be made
	}
	return record(l, "term "+name+" of "+u.Name, nil, func() (*org.Term, error) {
		in := org.TermInput{UnitID: u.ID, Name: name, From: day(from), DecisionNumber: opt(decision)}
		if to != "" {
			in.To = ptr(day(to))
		}
		return l.timeline.StartTerm(l.ctx, in)
	})
}

// post names the holder of a committee post: a member, or a person named
// in full (an officer with no member record in the demo).
type post struct {
	member *member.Member
	name   string
}

// appoint records a post in u's committee (in term, when given); to ""
// means until further notice.
func (l *loader) appoint(u *org.Unit, term *org.Term, title org.Title, who post, from, to, decision string) {
	if l.err != nil {
		return
	}
	in := org.AppointInput{UnitID: u.ID, Title: title, From: day(from), DecisionNumber: opt(decision)}
	if term != nil {
		in.TermID = &term.ID
	}
	if to != "" {
		in.To = ptr(day(to))
	}
	if who.member != nil {
		in.MemberID = &who.member.ID
	} else {
		in.HolderName = opt(who.name)
	}
	_, err := l.timeline.Appoint(l.ctx, in)
	l.fail(fmt.Sprintf("%s of %s from %s", title.VI(), u.Name, from), err)
	l.sum.Posts++
}

// DemoPassword signs in every demo account. The demo only loads in
// development; see README.md for the accounts.
const DemoPassword = "sodoan-demo-2026"

// DemoAccount is one of the demo's accounts, for the start-up banner and
// the hints of `server user create`.
type DemoAccount struct {
	Username string
	// Role says in a few words what the account may do.
	Role string
}

// DemoAccounts lists the accounts the demo creates (see demoAccounts).
var DemoAccounts = []DemoAccount{
	{"quantri", "administrator"},
	{"tinhdoan", "officer of the province (Khánh Hòa; Ninh Thuận until 30/6/2025)"},
	{"doankhoi", "officer of the bloc"},
	{"huyendoan.bacai", "officer of the commune union that carries on two communes of a district dissolved 1/7/2025"},
	{"bithu.vptu", "secretary of a branch"},
	{"doanvien.vptu", "member"},
}

// HasDemoAccounts reports whether every demo account is in the database:
// the demo was loaded there (and its accounts are worth listing at start).
func HasDemoAccounts(ctx context.Context, conn db.DB) (bool, error) {
	names := make([]string, len(DemoAccounts))
	for i, a := range DemoAccounts {
		names[i] = a.Username
	}
	var n int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM accounts WHERE username = ANY($1)`, names).Scan(&n); err != nil {
		return false, fmt.Errorf("look for the demo accounts: %w", err)
	}
	return n == len(names), nil
}

// IsDemoAccount reports whether username is one of DemoAccounts.
func IsDemoAccount(username string) bool {
	for _, a := range DemoAccounts {
		if a.Username == username {
			return true
		}
	}
	return false
}

// account creates a demo account; officerOf, when set, makes it an officer
// of that unit (admin makes it an administrator instead).
func (l *loader) account(username, name string, admin bool, officerOf *org.Unit, holder *member.Member) *account.Account {
	if l.err != nil {
		return nil
	}
	in := account.CreateInput{Username: username, DisplayName: name, Password: DemoPassword}
	if officerOf != nil {
		in.UnitID = &officerOf.ID
	}
	if holder != nil {
		in.MemberID = &holder.ID
		if in.UnitID == nil {
			in.UnitID = &holder.UnitID
		}
	}
	a, err := l.accounts.Create(l.ctx, in)
	l.fail("account "+username, err)
	if err != nil {
		return nil
	}
	l.sum.Accounts++
	switch {
	case admin:
		l.fail("grant admin", l.accounts.Grant(l.ctx, a.ID, account.Admin, nil, nil))
	case officerOf != nil:
		l.grantOfficer(a, officerOf)
	}
	return a
}

// grantOfficer makes a an officer of u as well.
func (l *loader) grantOfficer(a *account.Account, u *org.Unit) {
	if l.err != nil || a == nil || u == nil {
		return // u nil: a unit the reform makes, in a demo stopped before it
	}
	l.fail("grant officer of "+u.Name, l.accounts.Grant(l.ctx, a.ID, account.Officer, &u.ID, nil))
}

func ids(ms []*member.Member) []int64 {
	out := make([]int64, len(ms))
	for i, m := range ms {
		out[i] = m.ID
	}
	return out
}

func opt(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic("seed: bad date " + s) // a typo in the demo itself, caught by its test
	}
	return t
}

func ptr[T any](v T) *T { return &v }
