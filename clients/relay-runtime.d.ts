// relay-runtime is what a Relay app imports its graphql tag and artifact
// types from; this check needs only relay-compiler, so the module is
// declared loosely for tsc.
declare module 'relay-runtime';
