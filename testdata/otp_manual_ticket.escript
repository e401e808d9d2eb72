#!/usr/bin/env escript
%% An Erlang/OTP client with {session_tickets, manual}, for gossl's
%% interop tests: escript otp_manual_ticket.escript PORT CAFILE N
%% connects to 127.0.0.1:PORT (TLS 1.3, verifying the server against
%% CAFILE for "localhost"), echoes "one", takes the first
%% {ssl, session_ticket, Ticket} message, closes, then connects N times
%% with {use_ticket, [Ticket]}, echoing each time. It prints
%% "RESUMPTION R0 R1 ... RN", the session_resumption of each connection.
main([Port, CAFile, N]) ->
    {ok, _} = application:ensure_all_started(ssl),
    P = list_to_integer(Port),
    Base = [{verify, verify_peer}, {cacertfile, CAFile}, {server_name_indication, "localhost"},
            {versions, ['tlsv1.3']}, {session_tickets, manual}, {active, false}, binary],
    R0 = once(P, Base),
    Ticket = receive {ssl, session_ticket, T} -> T after 10000 -> exit(no_ticket) end,
    Rs = [once(P, [{use_ticket, [Ticket]} | Base]) || _ <- lists:seq(1, list_to_integer(N))],
    io:format("RESUMPTION~s~n", [[[" ", atom_to_list(R)] || R <- [R0 | Rs]]]).

once(P, Opts) ->
    {ok, S} = ssl:connect("127.0.0.1", P, Opts, 10000),
    ok = ssl:send(S, <<"one">>),
    {ok, <<"one">>} = ssl:recv(S, 3, 10000),
    {ok, [{session_resumption, R}]} = ssl:connection_information(S, [session_resumption]),
    ssl:close(S),
    R.
