"""The lunch-rush rehearsal (`desk simulate rush`, the Simulator page): N callers over M
minutes played against the desk's real signed webhooks, in virtual time, on a scratch copy
of the desk, beside Erlang A's prediction for the same load.

- `desk.rehearsal.scratch`: the scratch copy (a temporary SQLite database filled through
  SQLAlchemy Core from the live one) and the rota the rehearsal stands on;
- `desk.rehearsal.callers`: who calls when, talks how long, waits how long (seeded);
- `desk.rehearsal.clock`: the discrete-event loop driving the scratch desk's clock;
- `desk.rehearsal.player`: the virtual Twilio, interpreting the TwiML the desk answers
  (with its virtual secretaries, each on one call at a time);
- `desk.rehearsal.rest`: Twilio's REST API for calls, as the desk's dispatcher and sweep use it;
- `desk.rehearsal.tally`: what happened, beside the prediction;
- `desk.rehearsal.run`: the whole rehearsal.

No Flask here: the edge (`desk.app.scratch_stage`) builds the scratch app and hands over
how to post to it. Nothing is written to the live database and nothing is sent.
"""
