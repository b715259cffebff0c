package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/rs/zerolog"
	"golang.org/x/term"

	"github.com/sodoan/sodoan/graph/model"
	"github.com/sodoan/sodoan/internal/account"
	"github.com/sodoan/sodoan/internal/apperr"
	"github.com/sodoan/sodoan/internal/config"
	"github.com/sodoan/sodoan/internal/seed"
	"github.com/sodoan/sodoan/internal/validate"
)

// userCommand handles `server user create`: the way in for the first
// administrator, before anyone can sign in to make accounts through the API.
func userCommand(ctx context.Context, cfg config.Config, log zerolog.Logger, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return usageError{"user needs an action: create\n" + usage}
	}
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	username := fs.String("username", "", "login name (lower-case letters, digits, . _ -)")
	name := fs.String("name", "", "display name")
	email := fs.String("email", "", "email (optional; also accepted at sign-in)")
	admin := fs.Bool("admin", false, "make the account an administrator")
	officerOf := fs.String("officer-of", "", "make the account an officer of this unit (its ID from the API)")
	if err := fs.Parse(args[1:]); err != nil {
		return usageError{"user create: " + err.Error() + "\n" + usage}
	}
	if *username == "" || *name == "" || (!*admin && *officerOf == "") {
		return usageError{"user create needs --username, --name and --admin or --officer-of\n" + usage}
	}
	var unitID *int64
	if *officerOf != "" {
		id, err := model.DecodeID(model.KindUnit, *officerOf)
		if err != nil {
			return usageError{fmt.Sprintf("--officer-of %q is not a unit ID", *officerOf)}
		}
		unitID = &id
	}
	password, err := readPassword(stdin, stdout)
	if err != nil {
		return err
	}

	pool, closeDB, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeDB()
	accounts := account.NewStore(pool, account.DefaultPolicy)
	var e *string
	if *email != "" {
		e = email
	}
	a, err := accounts.Create(ctx, account.CreateInput{Username: *username, Email: e, DisplayName: *name, Password: password, UnitID: unitID})
	if err != nil {
		return explainTaken(describe(err), err, strings.ToLower(*username))
	}
	if *admin {
		err = accounts.Grant(ctx, a.ID, account.Admin, nil, nil)
	} else {
		err = accounts.Grant(ctx, a.ID, account.Officer, unitID, nil)
	}
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "account %s created (id %s)\n", a.Username, model.EncodeID(model.KindAccount, a.ID))
	return nil
}

// readPassword reads the password from the terminal without echo, or as the
// first line of standard input when it is not a terminal (scripts).
func readPassword(stdin io.Reader, stdout io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stdout, "Password (at least 10 characters): ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stdout)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		return string(b), nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from standard input: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", usageError{"user create reads the password from standard input; none was given"}
	}
	return line, nil
}

// explainTaken adds to a taken-username error why that is expected when the
// name is one of the demo's accounts: `make run` in development loads the
// demo, whose administrator is quantri.
func explainTaken(described, err error, username string) error {
	inv, ok := apperr.AsInvalid(err)
	if !ok {
		return described
	}
	for _, fe := range inv.Errors {
		if fe.Code != validate.Duplicate || strings.Join(fe.Field, ".") != "input.username" {
			continue
		}
		if seed.IsDemoAccount(username) {
			return fmt.Errorf("%w\n%s is an account of the demo data, which the server loads into an empty database in development "+
				"(make run): sign in as %s with the password %s, or create your own administrator under another --username. "+
				"For a database without the demo, set DEMO_DATA=off and a new DATABASE_NAME", described, username, username, seed.DemoPassword)
		}
		return fmt.Errorf("%w\nan account named %s exists already in this database: choose another --username", described, username)
	}
	return described
}

// describe turns field errors into one readable line per problem.
func describe(err error) error {
	inv, ok := apperr.AsInvalid(err)
	if !ok {
		return err
	}
	msgs := make([]string, len(inv.Errors))
	for i, fe := range inv.Errors {
		field := strings.TrimPrefix(strings.Join(fe.Field, "."), "input.")
		msgs[i] = field + ": " + fe.EN
	}
	return errors.New(strings.Join(msgs, "\n"))
}
