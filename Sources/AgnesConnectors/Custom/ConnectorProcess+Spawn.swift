import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension ConnectorProcess {
    /// Starts the program with `posix_spawn`: a new process group led by the child, default signal
    /// handlers and an empty signal mask (the server ignores SIGPIPE, which a child would inherit), the
    /// working directory set, standard input from `/dev/null`, standard output and error to the pipes.
    func spawn(standardOutput: Int32, standardError: Int32) throws(CustomConnectorError) -> pid_t {
        guard let addChdir = Self.addChdir else {
            throw CustomConnectorError(.launch, "this C library cannot set a child's working directory")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }

        var failed = addChdir(&actions, workingDirectory.path) != 0
        failed = failed || posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0) != 0
        failed = failed || posix_spawn_file_actions_adddup2(&actions, standardOutput, 1) != 0
        failed = failed || posix_spawn_file_actions_adddup2(&actions, standardError, 2) != 0
        // Nothing else of the server's reaches the program: its sockets, database files and the
        // descriptors of files other threads are writing (which would also keep those busy for exec).
        if let addClosefrom = Self.addClosefrom {
            failed = failed || addClosefrom(&actions, 3) != 0
        }
        var everySignal = sigset_t()
        sigfillset(&everySignal)
        var noSignal = sigset_t()
        sigemptyset(&noSignal)
        failed = failed || posix_spawnattr_setsigdefault(&attributes, &everySignal) != 0
        failed = failed || posix_spawnattr_setsigmask(&attributes, &noSignal) != 0
        failed = failed || posix_spawnattr_setpgroup(&attributes, 0) != 0
        let flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK
        failed = failed || posix_spawnattr_setflags(&attributes, Int16(flags)) != 0
        if failed {
            throw CustomConnectorError(.launch, "cannot prepare the process: \(String(cString: strerror(errno)))")
        }

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        var result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        // ETXTBSY: the program file is still open for writing somewhere — typically a copy of a writer's
        // descriptor inherited by a process forked elsewhere in the server that has not exec'd yet, or a
        // deployment in progress. It clears within moments; try again for up to a second.
        var attempts = 1
        while result == ETXTBSY, attempts < 20 {
            usleep(50_000)
            attempts += 1
            result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        }
        guard result == 0 else {
            throw CustomConnectorError(.launch, "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        return pid
    }

    private typealias AddClosefrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), looked up at run time like `addChdir`.
    private static let addClosefrom: AddClosefrom? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
        else { return nil }
        return unsafeBitCast(symbol, to: AddClosefrom.self)
    }()

    private typealias AddChdir =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    /// glibc's `posix_spawn_file_actions_addchdir_np` (2.29+), looked up at run time because Glibc's
    /// Swift module does not export GNU extensions.
    private static let addChdir: AddChdir? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np")
        else { return nil }
        return unsafeBitCast(symbol, to: AddChdir.self)
    }()
}
