#!/usr/bin/env escript
%% resume.escript PORT VERSION N CAFILE: connects N times to 127.0.0.1:PORT
%% with one Erlang/OTP ssl client (one VM, so its session cache and ticket
%% store last across the connections), echoes a line on each, and prints
%% "CONN I true|false" with session_resumption, or "CONN I error Reason".
%% VERSION is tlsv1.2 (session IDs: OTP 25 has no TLS 1.2 tickets) or
%% tlsv1.3 (tickets, session_tickets auto).
main([PortS, VersionS, NS, CAFile]) ->
    {ok, _} = application:ensure_all_started(ssl),
    Port = list_to_integer(PortS),
    Version = list_to_atom(VersionS),
    Opts = [{versions, [Version]}, {verify, verify_peer}, {cacertfile, CAFile},
            {server_name_indication, "localhost"}, {active, false}, binary]
        ++ case Version of
               'tlsv1.3' -> [{session_tickets, auto}];
               _ -> [{reuse_sessions, true}]
           end,
    lists:foreach(fun(I) -> conn(I, Port, Opts) end, lists:seq(1, list_to_integer(NS))),
    halt(0).

conn(I, Port, Opts) ->
    case ssl:connect("127.0.0.1", Port, Opts, 10000) of
        {ok, S} ->
            ok = ssl:send(S, <<"ping\n">>),
            _ = ssl:recv(S, 0, 5000),
            {ok, Info} = ssl:connection_information(S, [session_resumption]),
            io:format("CONN ~p ~p~n", [I, proplists:get_value(session_resumption, Info)]),
            ssl:close(S),
            %% OTP registers a TLS 1.2 client session asynchronously.
            timer:sleep(50);
        {error, Reason} ->
            io:format("CONN ~p error ~0p~n", [I, Reason])
    end.
