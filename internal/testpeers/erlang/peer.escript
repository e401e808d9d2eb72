#!/usr/bin/env escript
%% -*- erlang -*-
%%! -noinput
%%
%% An Erlang/OTP ssl peer for interop tests. Talks only to 127.0.0.1.
%%
%%   escript peer.escript server OptsTerm
%%       ssl:listen on 127.0.0.1, port chosen by the system, and print
%%       "LISTENING Port". Accept connections in a loop (a port probe uses
%%       up nothing); for each, print "HANDSHAKE ok Protocol Suite" (then "NEGOTIATED P|none", the ALPN/NPN protocol) or
%%       "HANDSHAKE error Reason", echo data until the peer closes, then
%%       print "CLOSED Bytes" (or "CLOSED error Reason Bytes").
%%
%%   escript peer.escript client Port OptsTerm Payload
%%       ssl:connect to 127.0.0.1:Port, print the HANDSHAKE line, send
%%       Payload, read as many bytes back, print "ECHO ok Bytes" (or
%%       "ECHO error Reason Bytes"), close and exit (status 1 on error).
%%
%% OptsTerm is an Erlang expression giving a list of ssl options (so it
%% may hold funs, e.g. {user_lookup_fun,{fun(psk,_,S) -> {ok,S} end,K}}), e.g.
%% "[{versions,['tlsv1.2']},{certfile,\"c.pem\"},{keyfile,\"k.pem\"}]".
%% {active,false}, {buffer,262144} and binary mode are added unless given;
%% the server also gets {ip,{127,0,0,1}} and {reuseaddr,true}.
%% With {handshake,hello}, the handshake is continued with no new options.
%% With {protocol,dtls}, both roles speak DTLS over UDP.
%% Protocol is as in ssl:connection_information/2 ('tlsv1.3'), Suite is the
%% RFC name from ssl:suite_to_str/1 (TLS_AES_128_GCM_SHA256). Reasons are
%% printed with ~0p on one line, e.g. {tls_alert,{handshake_failure,"..."}}.
-mode(compile).
%% gen_event callbacks for erl_signal_server (see fast_sigterm/0).
-export([init/1, handle_event/2, handle_call/2]).

-define(TIMEOUT, 20000).
-define(IDLE, 60000).

main(["server", Opts]) ->
    server(parse(Opts));
main(["client", Port, Opts, Payload]) ->
    client(list_to_integer(Port), parse(Opts), Payload);
main(_) ->
    io:put_chars(standard_error,
                 "usage: peer.escript server Opts | client Port Opts Payload\n"),
    halt(2).

parse(Str) ->
    try
        {ok, Toks, _} = erl_scan:string(Str ++ "."),
        %% An expression, not only a term, so that options can hold funs
        %% (user_lookup_fun, verify_fun).
        {ok, Exprs} = erl_parse:parse_exprs(Toks),
        {value, Term, _} = erl_eval:exprs(Exprs, erl_eval:new_bindings()),
        true = is_list(Term),
        Term
    catch
        _:_ ->
            out("ERROR bad options term: ~ts", [Str]),
            halt(2)
    end.

start() ->
    fast_sigterm(),
    {ok, _} = application:ensure_all_started(ssl).

%% fast_sigterm makes SIGTERM halt the node at once; by default it runs
%% init:stop(), which takes about a second.
fast_sigterm() ->
    catch gen_event:swap_handler(erl_signal_server,
                                 {erl_signal_handler, []}, {?MODULE, []}).

init(_) -> {ok, []}.

handle_event(sigterm, State) ->
    halt(0),
    {ok, State};
handle_event(_, State) ->
    {ok, State}.

handle_call(_, State) -> {ok, ok, State}.

%% merge keeps the user's options and adds each default whose key is absent.
merge(User, Defaults) ->
    User ++ [D || {K, _} = D <- Defaults, not proplists:is_defined(K, User)].

base_opts() ->
    [{active, false}, {buffer, 262144}, {mode, binary}].

server(UserOpts) ->
    start(),
    Opts = merge(UserOpts, [{ip, {127, 0, 0, 1}}, {reuseaddr, true} | base_opts()]),
    case ssl:listen(0, Opts) of
        {ok, L} ->
            {ok, {_, Port}} = ssl:sockname(L),
            spawn(fun() -> acceptor(L) end),
            out("LISTENING ~p", [Port]),
            receive stop -> ok end;
        {error, Reason} ->
            out("LISTEN error ~0p", [Reason]),
            halt(1)
    end.

acceptor(L) ->
    case ssl:transport_accept(L) of
        {ok, T} ->
            spawn(fun() -> acceptor(L) end),
            serve(T);
        {error, closed} ->
            ok;
        {error, Reason} ->
            out("ACCEPT error ~0p", [Reason]),
            acceptor(L)
    end.

serve(T) ->
    case handshake(ssl:handshake(T, ?TIMEOUT)) of
        {ok, S} ->
            out(handshake_line(S)),
            echo(S, 0);
        {error, Reason} ->
            out("HANDSHAKE error ~0p", [Reason])
    end.

handshake({ok, S, _Ext}) -> ssl:handshake_continue(S, [], ?TIMEOUT);
handshake(Result) -> Result.

echo(S, N) ->
    case ssl:recv(S, 0, ?IDLE) of
        {ok, Data} ->
            case ssl:send(S, Data) of
                ok -> echo(S, N + byte_size(Data));
                {error, closed} -> out("CLOSED ~p", [N]);
                {error, Reason} -> closed(S, Reason, N)
            end;
        {error, closed} ->
            out("CLOSED ~p", [N]);
        {error, Reason} ->
            closed(S, Reason, N)
    end.

closed(S, Reason, N) ->
    out("CLOSED error ~0p ~p", [Reason, N]),
    ssl:close(S).

client(Port, UserOpts, Payload) ->
    start(),
    Opts = merge(UserOpts, base_opts()),
    case handshake(ssl:connect({127, 0, 0, 1}, Port, Opts, ?TIMEOUT)) of
        {ok, S} ->
            out(handshake_line(S)),
            Bin = unicode:characters_to_binary(Payload),
            Status = case send_recv(S, Bin) of
                         ok -> 0;
                         error -> 1
                     end,
            ssl:close(S),
            halt(Status);
        {error, Reason} ->
            out("HANDSHAKE error ~0p", [Reason]),
            halt(1)
    end.

send_recv(_S, <<>>) ->
    out("ECHO ok 0"),
    ok;
send_recv(S, Bin) ->
    case ssl:send(S, Bin) of
        ok -> recv_n(S, byte_size(Bin), 0);
        {error, Reason} -> out("ECHO error ~0p 0", [Reason]), error
    end.

recv_n(_S, Want, Got) when Got >= Want ->
    out("ECHO ok ~p", [Got]),
    ok;
recv_n(S, Want, Got) ->
    case ssl:recv(S, 0, ?TIMEOUT) of
        {ok, Data} -> recv_n(S, Want, Got + byte_size(Data));
        {error, Reason} -> out("ECHO error ~0p ~p", [Reason, Got]), error
    end.

handshake_line(S) ->
    case ssl:connection_information(S, [protocol, selected_cipher_suite]) of
        {ok, Info} ->
            Protocol = proplists:get_value(protocol, Info),
            Suite = proplists:get_value(selected_cipher_suite, Info),
            io_lib:format("HANDSHAKE ok ~s ~s~n~s", [Protocol, ssl:suite_to_str(Suite), negotiated_line(S)]);
        {error, Reason} ->
            io_lib:format("HANDSHAKE ok unknown unknown ~0p", [Reason])
    end.

%% The ALPN or NPN protocol: "NEGOTIATED Name" or "NEGOTIATED none".
negotiated_line(S) ->
    case ssl:negotiated_protocol(S) of
        {ok, P} -> io_lib:format("NEGOTIATED ~s", [P]);
        {error, _} -> "NEGOTIATED none"
    end.

out(Line) ->
    io:put_chars([Line, $\n]).

out(Fmt, Args) ->
    out(io_lib:format(Fmt, Args)).
