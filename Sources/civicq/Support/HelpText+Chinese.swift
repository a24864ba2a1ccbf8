/// Every abstract and paragraph of civicq's `--help`, in Chinese, keyed by its English
/// text with runs of white space as one space (``HelpText/normalized(_:)``). `HelpTests`
/// fails when a command's help has a text without an entry here.
extension HelpText {
    static let chinese: [String: String] = [
        #"A civic-complaint queue worker on PostgreSQL."#:
            #"基于 PostgreSQL 的市民诉求队列处理程序。"#,
        #"Connects to PostgreSQL through libpq: --database-url, else DATABASE_URL, else the PG* variables (PGHOST, PGPORT, PGUSER, PGDATABASE, ...), as psql does. A multi-host URL (postgresql://db1,db2/civicq?target_session_attrs=read-write) follows a failover. --read-database-url (CIVICQ_READ_DATABASE_URL) sends stats, case list, top and the dashboard to a hot standby."#:
            #"通过 libpq 连接 PostgreSQL：--database-url，否则 DATABASE_URL，否则 PG* 变量（PGHOST、PGPORT、PGUSER、PGDATABASE 等），与 psql 相同。多主机 URL（postgresql://db1,db2/civicq?target_session_attrs=read-write）可跟随故障切换。--read-database-url（CIVICQ_READ_DATABASE_URL）把 stats、case list、top 和看板的读取发往热备库。"#,
        #"Exit codes: 0 success, 64 usage or bad option, 65 bad data, 66 unknown case, 67 not a civicq user, 69 database unavailable, 70 internal error, 73 wrong state for the action, 75 temporary failure (try again), 77 not permitted (role or department), 78 configuration error."#:
            #"退出码：0 成功，64 用法或选项错误，65 数据错误，66 案件不存在，67 不是 civicq 用户，69 数据库不可用，70 内部错误，73 当前状态不允许此操作，75 暂时失败（请重试），77 无权限（角色或部门），78 配置错误。"#,
        #"Show the version."#:
            #"显示版本。"#,
        #"Show help information."#:
            #"显示帮助信息。"#,
        #"Apply pending schema migrations (each in one transaction, under an advisory lock)."#:
            #"执行待执行的数据库结构迁移（每个迁移一个事务，持咨询锁）。"#,
        #"Running it again changes nothing. With --status, lists applied and pending migrations and changes nothing."#:
            #"重复执行不会改变任何东西。加 --status 时列出已执行和待执行的迁移，不做任何改变。"#,
        #"A libpq URI or conninfo string. Default: DATABASE_URL, else the PG* variables."#:
            #"libpq URI 或连接字符串。默认：DATABASE_URL，否则 PG* 变量。"#,
        #"A hot standby for reads (stats, top, case list, the dashboard). Default: CIVICQ_READ_DATABASE_URL, else the primary."#:
            #"用于读取的热备库（stats、top、case list、看板）。默认：CIVICQ_READ_DATABASE_URL，否则主库。"#,
        #"The PostgreSQL schema that holds civicq's tables. Default: CIVICQ_SCHEMA, else civicq."#:
            #"存放 civicq 数据表的 PostgreSQL 模式。默认：CIVICQ_SCHEMA，否则 civicq。"#,
        #"Log level: trace, debug, info, notice, warning, error, critical. Default: LOG_LEVEL, else warning."#:
            #"日志级别：trace、debug、info、notice、warning、error、critical。默认：LOG_LEVEL，否则 warning。"#,
        #"The language of what civicq prints for people: zh-CN or en. Default: LC_ALL, LC_MESSAGES or LANG when they name one, else the installation's (language: in the calendar file)."#:
            #"civicq 给人看的输出所用的语言：zh-CN 或 en。默认：LC_ALL、LC_MESSAGES 或 LANG 指明的语言，否则本系统的设置（日历文件中的 language:）。"#,
        #"List applied and pending migrations; apply nothing."#:
            #"列出已执行和待执行的迁移，不执行任何迁移。"#,
        #"Print JSON instead of text."#:
            #"输出 JSON 而不是文本。"#,
        #"Check the database connection and whether the schema is up to date."#:
            #"检查数据库连接以及数据库结构是否最新。"#,
        #"Exits 0 when all is well, 69 when the database cannot be reached, 78 when migrations are pending or changed. Warns (exit 0) when connected as a superuser or as a login that may act as the schema's owner, and when PUBLIC may create temporary tables, with the fix."#:
            #"一切正常时退出码 0，无法连接数据库时 69，有待执行或被改动的迁移时 78。以超级用户或可充当模式所有者的登录连接时、PUBLIC 可以创建临时表时给出警告（退出码 0）并说明修正方法。"#,
        #"Run jobs from the queue until SIGTERM or SIGINT."#:
            #"从队列中取任务执行，直到收到 SIGTERM 或 SIGINT。"#,
        #"On SIGTERM or SIGINT the worker stops claiming, lets running jobs finish for the grace period, releases the rest for other workers and exits 0. Any number of workers on any number of hosts may share one database."#:
            #"收到 SIGTERM 或 SIGINT 后，工作进程停止领取任务，让正在运行的任务在宽限期内完成，把其余任务释放给其他工作进程，然后以 0 退出。任意多台主机上的任意多个工作进程可以共用一个数据库。"#,
        #"Jobs run at once."#:
            #"同时运行的任务数。"#,
        #"Comma-separated queues to work, in order of preference."#:
            #"要处理的队列，逗号分隔，按优先顺序。"#,
        #"Most jobs claimed in one statement."#:
            #"一条语句最多领取的任务数。"#,
        #"Seconds a claim holds a job before others may take it back (renewed while it runs)."#:
            #"领取后占有任务的秒数，超过后其他进程可收回（运行期间自动续期）。"#,
        #"Seconds running jobs may take to finish after SIGTERM."#:
            #"收到 SIGTERM 后正在运行的任务可用于完成的秒数。"#,
        #"Milliseconds an idle worker waits for a wake-up before looking anyway."#:
            #"空闲的工作进程等待唤醒的毫秒数，超时后自行查看。"#,
        #"Do not LISTEN for wake-ups; poll only (for transaction-mode poolers)."#:
            #"不 LISTEN 唤醒，只轮询（用于事务模式的连接池）。"#,
        #"Keep completed jobs in job_history (pruned after 24 h)."#:
            #"把已完成的任务保留在 job_history 中（24 小时后清理）。"#,
        #"Serve this worker's Prometheus metrics at /metrics on this port (default: no metrics server)."#:
            #"在此端口的 /metrics 提供本工作进程的 Prometheus 指标（默认：不启动指标服务）。"#,
        #"Address the metrics server listens on."#:
            #"指标服务监听的地址。"#,
        #"The event log's signing key file (civicq log keygen); default CIVICQ_LOG_KEY. With it, this worker also seals the log (queue log)."#:
            #"事件日志的签名密钥文件（civicq log keygen）；默认 CIVICQ_LOG_KEY。指定后，本工作进程也为日志封存（log 队列）。"#,
        #"Inspect the job queue and act on dead jobs."#:
            #"查看任务队列，处理死信任务。"#,
        #"Per queue and state: counts, the oldest available job's wait, and last minute's outcomes."#:
            #"按队列和状态：数量、最早可执行任务的等待时间、最近一分钟的结果。"#,
        #"Print JSON instead of a table."#:
            #"输出 JSON 而不是表格。"#,
        #"List dead jobs (attempts used up), newest first."#:
            #"列出死信任务（重试次数已用完），最新的在前。"#,
        #"Most jobs to list."#:
            #"最多列出的任务数。"#,
        #"Make dead jobs available again, attempts reset."#:
            #"让死信任务重新可执行，重试次数清零。"#,
        #"Ids of dead jobs."#:
            #"死信任务的编号。"#,
        #"Every dead job."#:
            #"所有死信任务。"#,
        #"Delete dead jobs."#:
            #"删除死信任务。"#,
        #"Cancel jobs that have not finished (a running one is stopped at its next lease renewal)."#:
            #"取消尚未完成的任务（正在运行的任务在下一次续期时停止）。"#,
        #"Ids of jobs."#:
            #"任务编号。"#,
        #"Enqueue a job (for operators and smoke tests)."#:
            #"加入一个任务（供运维和冒烟测试）。"#,
        #"The job's kind, e.g. queue.noop."#:
            #"任务类型，例如 queue.noop。"#,
        #"The queue."#:
            #"队列。"#,
        #"The payload, a JSON object."#:
            #"任务参数，一个 JSON 对象。"#,
        #"Lower runs first."#:
            #"数值越小越先运行。"#,
        #"Run no sooner than this many seconds from now."#:
            #"不早于此后若干秒运行。"#,
        #"At most one live job with this key."#:
            #"同一个键最多只有一个未完成的任务。"#,
        #"How many copies to enqueue (one statement)."#:
            #"加入多少份（一条语句）。"#,
        #"Work cases: list, show, accept, note, resolve, return, extend, assign, merge, history."#:
            #"办理案件：列表、查看、签收、备注、办结、退单、延期、派单、并单、历史。"#,
        #"You act as the PostgreSQL login you connect as (PG* variables, .pgpass, sslmode, client certificates, as with psql). The database lets you see and change only your department's cases. Exit codes: 64 bad option, 66 unknown case, 67 not a civicq user, 73 wrong state for this action, 77 not your department or role."#:
            #"你以所连接的 PostgreSQL 登录身份操作（PG* 变量、.pgpass、sslmode、客户端证书，与 psql 相同）。数据库只允许你查看和改动本部门的案件。退出码：64 选项错误，66 案件不存在，67 不是 civicq 用户，73 当前状态不允许此操作，77 不是你的部门或角色不允许。"#,
        #"Your department's inbox, most urgent deadline first."#:
            #"本部门的待办，期限最紧的在前。"#,
        #"Act as this login (SET ROLE; only for admins and the demo)."#:
            #"以此登录身份操作（SET ROLE；仅限管理员和演示）。"#,
        #"Only these states (comma-separated). Default: every open state."#:
            #"只列出这些状态（逗号分隔）。默认：所有未结状态。"#,
        #"Only overdue cases."#:
            #"只列出超期案件。"#,
        #"Category code prefix."#:
            #"类别代码前缀。"#,
        #"Area code prefix."#:
            #"区域代码前缀。"#,
        #"Another department's inbox (hotline office), or 'all' for every case you may see."#:
            #"其他部门的待办（热线办），或 'all' 表示你能看到的所有案件。"#,
        #"Most cases to list (a page)."#:
            #"最多列出的案件数（一页）。"#,
        #"Which page of --limit cases, from 1."#:
            #"按 --limit 分页的第几页，从 1 开始。"#,
        #"Print JSON."#:
            #"输出 JSON。"#,
        #"One case: its details, departments and deadlines."#:
            #"一个案件：详情、承办部门和期限。"#,
        #"The case id."#:
            #"案件编号。"#,
        #"Show the citizen's name and phone unmasked (recorded; not every role may)."#:
            #"不脱敏显示市民姓名和电话（会被记录；并非所有角色都可以）。"#,
        #"The event log of a case, oldest first."#:
            #"案件的事件记录，最早的在前。"#,
        #"Accept (签收) a case for your department."#:
            #"为本部门签收一个案件。"#,
        #"Add a note: internal, or --public for the citizen to see."#:
            #"添加备注：内部备注，或加 --public 让市民可见。"#,
        #"The note."#:
            #"备注内容。"#,
        #"The citizen sees it."#:
            #"市民可见。"#,
        #"Resolve (办结) a case with the reply to the citizen; the callback follows."#:
            #"办结一个案件并答复市民，随后进行回访。"#,
        #"The reply to the citizen."#:
            #"给市民的答复。"#,
        #"Return (退单) a case that is not your department's; it is routed again without you."#:
            #"退回（退单）不属于本部门的案件；它会重新派单，不再派给你。"#,
        #"not_our_duty, wrong_area, insufficient_information, duplicate or other."#:
            #"not_our_duty（非本部门职责）、wrong_area（区域错误）、insufficient_information（信息不足）、duplicate（重复）或 other（其他）。"#,
        #"Why, for the dispatch desk."#:
            #"原因，写给派单台。"#,
        #"Ask for a later resolution deadline (延期), before the current one."#:
            #"申请延长办结期限（延期），须在当前期限之前提出。"#,
        #"The new deadline, in the installation's reporting time zone: a day (2026-12-08, 2026/12/8 or 2026年12月8日: the end of that day), a local time (2026-12-08 18:00) or an ISO 8601 time with an offset."#:
            #"新的期限，按本系统的统计时区：某一天（2026-12-08、2026/12/8 或 2026年12月8日：当天结束时）、某个本地时间（2026-12-08 18:00）或带时区偏移的 ISO 8601 时间。"#,
        #"Why more time is needed."#:
            #"需要更多时间的原因。"#,
        #"Dispatch desk: assign a lead (and assisting) departments. Final."#:
            #"派单台：指定主办部门（及协办部门）。为最终决定。"#,
        #"The lead department (主办)."#:
            #"主办部门。"#,
        #"Assisting departments (协办), comma-separated."#:
            #"协办部门，逗号分隔。"#,
        #"Why, for the record."#:
            #"原因，留作记录。"#,
        #"Merge a duplicate into its main case (并单): its citizen is called back when the main case is resolved."#:
            #"把重复件并入主案件（并单）：主案件办结后对其市民进行回访。"#,
        #"The duplicate, the word 'into', and the main case (or the duplicate alone, with --into)."#:
            #"重复件、单词 'into' 和主案件（或只给重复件，配合 --into）。"#,
        #"The main case."#:
            #"主案件。"#,
        #"Cases that may be the same problem as this one, best first, with scores and reasons."#:
            #"可能与本案件是同一问题的案件，最相似的在前，附得分和理由。"#,
        #"Candidates have the same category, are in the same street or within duplicates.distance_meters, were received within duplicates.window_days, and are not merged, withdrawn or rejected; you see only cases you may see. The score is 0.7 x text similarity (character bigrams, rare ones weighing more) + 0.15 x place + 0.15 x same caller (docs/ledger.md). Merge one with: civicq case merge ID into OTHER."#:
            #"候选案件类别相同，位于同一街道或在 duplicates.distance_meters 范围内，在 duplicates.window_days 天内受理，且未被并单、撤诉或驳回；你只能看到你有权查看的案件。得分为 0.7 × 文本相似度（字符二元组，罕见的权重更高）+ 0.15 × 地点 + 0.15 × 同一来电人（docs/ledger.md）。用 civicq case merge ID into OTHER 并单。"#,
        #"Most candidates to list."#:
            #"最多列出的候选案件数。"#,
        #"Hotline office: the citizen withdrew the case."#:
            #"热线办：市民撤回了诉求。"#,
        #"Why."#:
            #"原因。"#,
        #"Hotline office: reject an invalid or abusive case."#:
            #"热线办：驳回无效或恶意的诉求。"#,
        #"Take in a complaint by hand (hotline office; intake systems use the HTTP API or SQL)."#:
            #"人工录入一条诉求（热线办；接入系统使用 HTTP API 或 SQL）。"#,
        #"The same source and external id twice gives the existing case, never a second one. A person of the hotline office (dispatcher or admin) submits as themselves, or with --as."#:
            #"同一来源和外部编号提交两次会得到已有的案件，不会产生第二个。热线办人员（派单员或管理员）以本人身份提交，或使用 --as。"#,
        #"The intake system."#:
            #"接入系统。"#,
        #"Its id for the complaint (default: a new UUID)."#:
            #"它对这条诉求的编号（默认：新的 UUID）。"#,
        #"Category code."#:
            #"类别代码。"#,
        #"Area code."#:
            #"区域代码。"#,
        #"Title."#:
            #"标题。"#,
        #"Description."#:
            #"描述。"#,
        #"phone, web, app, wechat, sms, email, letter, open311 or other."#:
            #"phone、web、app、wechat、sms、email、letter、open311 或 other。"#,
        #"Citizen's name."#:
            #"市民姓名。"#,
        #"Citizen's phone."#:
            #"市民电话。"#,
        #"Address."#:
            #"地址。"#,
        #"Make the callbacks (回访) after cases are resolved."#:
            #"案件办结后进行回访。"#,
        #"The next callback due, with the citizen's contact; held for you for 15 minutes."#:
            #"下一个到期的回访及市民联系方式；为你保留 15 分钟。"#,
        #"Record what the citizen said, or that they could not be reached."#:
            #"记录市民的回答，或无法联系到市民。"#,
        #"yes or no."#:
            #"yes 或 no。"#,
        #"satisfied, basic or dissatisfied."#:
            #"satisfied（满意）、basic（基本满意）或 dissatisfied（不满意）。"#,
        #"Nobody answered."#:
            #"无人接听。"#,
        #"Hotline office: keep the case closed even though the citizen is not satisfied."#:
            #"热线办：市民不满意，但仍维持结案。"#,
        #"List extension requests (延期) and rule on them."#:
            #"列出延期申请并审批。"#,
        #"Extension requests waiting for a decision; with --all, the decided ones too."#:
            #"等待审批的延期申请；加 --all 时也列出已审批的。"#,
        #"Include decided requests."#:
            #"包括已审批的申请。"#,
        #"Approve a request: the resolution deadline moves."#:
            #"批准申请：办结期限延后。"#,
        #"The request id."#:
            #"申请编号。"#,
        #"A note for the record."#:
            #"一条记录用的备注。"#,
        #"Refuse a request: the deadline stays. --reason is required: the department is told why."#:
            #"驳回申请：期限不变。必须给出 --reason：部门会看到原因。"#,
        #"Why the request is refused (required; the department reads it)."#:
            #"驳回申请的原因（必填；部门会看到）。"#,
        #"Deadlines missed (督办), newest first: your department's, or all for the office."#:
            #"超期督办（督办），最新的在前：本部门的，或热线办看全部。"#,
        #"How far back, in days."#:
            #"回溯多少天。"#,
        #"Only this department (default: yours, if you belong to one)."#:
            #"只看此部门（默认：你所在的部门，如有）。"#,
        #"Import or export the department tree and its people (YAML)."#:
            #"导入或导出部门树及其人员（YAML）。"#,
        #"Add and update departments and people from FILE; departments not in it become inactive."#:
            #"从 FILE 添加和更新部门及人员；文件中没有的部门变为停用。"#,
        #"A YAML file, or - for standard input."#:
            #"YAML 文件，或 - 表示标准输入。"#,
        #"Print the active departments and people as YAML that import reads back."#:
            #"以 import 可读回的 YAML 输出在用的部门和人员。"#,
        #"Import categories and clock policies (YAML)."#:
            #"导入类别和时限规则（YAML）。"#,
        #"Add and update categories and clock policies from FILE."#:
            #"从 FILE 添加和更新类别和时限规则。"#,
        #"Import holidays and make-up working days (YAML)."#:
            #"导入节假日和调休工作日（YAML）。"#,
        #"Replace the holidays and make-up days of the years FILE covers."#:
            #"替换 FILE 所涉年份的节假日和调休工作日。"#,
        #"Import routing rules; explain or test where a case goes."#:
            #"导入派单规则；解释或测试案件派往何处。"#,
        #"Learn a dispatch model from where finished cases really ended up; it replaces the model in use only if it does better."#:
            #"从已办结案件的实际去向学习派单模型；只有表现更好时才取代使用中的模型。"#,
        #"Learns from the cases received in the last --days days that a unit resolved or closed, each labelled with the lead unit it ended with (after returns and desk rulings). Trains on the earlier four fifths and tests on the latest fifth: top-1 and top-3 accuracy, each unit's precision and recall, the pairs most confused, and of the test cases the rules sent to the desk or to a unit that was not the last, how many the model would have placed right. The model is stored as a new version; it is used (route explain, route test, the desk's list, dispatch.auto_threshold) only if no model is in use or it did better than the model in use on the test cases new to that model. Needs at least 1250 such cases. The worker's dispatch.learn job does the same every dispatch.learn_seconds (a week)."#:
            #"从近 --days 天受理、已由单位办结或结案的案件学习，每件以其最终主办单位为准（退单和派单台裁定之后）。以较早的五分之四学习，以最新的五分之一检验：首选和前三准确率、各单位的查准率和查全率、最常混淆的单位，以及检验案件中规则派到派单台或非最终单位的，模型能派对多少。模型存为新版本；只有尚无使用中的模型，或它在使用中模型未见过的检验案件上表现更好时，才会被使用（route explain、route test、派单台列表、dispatch.auto_threshold）。至少需要 1250 件这样的案件。工作进程的 dispatch.learn 任务每隔 dispatch.learn_seconds（一周）做同样的事。"#,
        #"Evaluate only: store nothing."#:
            #"只评估：不保存任何东西。"#,
        #"The dispatch models learnt, newest first: window, evaluation, whether in use, and the last weekly check."#:
            #"已学习的派单模型，最新的在前：学习范围、评估、是否使用中，以及最近一次每周检查。"#,
        #"Most models to list."#:
            #"最多列出的模型数。"#,
        #"Dispatches by source (rule, model, desk) in a period, and the share of each that was returned."#:
            #"某时段按派单方式（规则、模型、人工）统计的派单数，以及各自被退单的比例。"#,
        #"A dispatch counts in the period it was made (days in the reporting time zone); it was returned when the unit it went to returned the case afterwards, whenever that was. City-wide: --by and --level do not apply."#:
            #"派单计入其发生的时段（按统计时区的日期）；所派单位此后（无论何时）退回该案件，即算退单。全市口径：--by 和 --level 不适用。"#,
        #"Learn from cases received in the last N days."#:
            #"从近 N 天受理的案件学习。"#,
        #"Store the rules in FILE as a new version (workers use it at once)."#:
            #"把 FILE 中的规则存为新版本（工作进程立即使用）。"#,
        #"Why a case went where it went, where the current rules would send it, and what the dispatch model suggests."#:
            #"案件为何派往那里，按当前规则会派往哪里，以及派单模型的建议。"#,
        #"List every rule with the condition it failed."#:
            #"列出每条规则及其未满足的条件。"#,
        #"Where the current rules send a case like this, and what the dispatch model suggests."#:
            #"按当前规则，这样的案件会派往哪里，以及派单模型的建议。"#,
        #"Title and description text."#:
            #"标题和描述文本。"#,
        #"Intake channel."#:
            #"受理渠道。"#,
        #"Departments that returned it (comma-separated)."#:
            #"退过单的部门（逗号分隔）。"#,
        #"Add, remove and list the people who work cases."#:
            #"添加、移除和列出办理案件的人员。"#,
        #"Each person is a PostgreSQL login, created if missing. Give it a password with --password or `users password`, or use certificates or peer authentication as pg_hba.conf says. Run these as an admin login that may create roles."#:
            #"每个人是一个 PostgreSQL 登录，不存在时创建。用 --password 或 `users password` 设置密码，或按 pg_hba.conf 的规定使用证书或 peer 认证。请用可以创建角色的管理员登录运行这些命令。"#,
        #"Make LOGIN a civicq user of one department with one role."#:
            #"让 LOGIN 成为某个部门、某个角色的 civicq 用户。"#,
        #"The PostgreSQL login."#:
            #"PostgreSQL 登录名。"#,
        #"The department code."#:
            #"部门代码。"#,
        #"handler, supervisor, dispatcher, callback or admin."#:
            #"handler（承办人）、supervisor（主管）、dispatcher（派单员）、callback（回访员）或 admin（管理员）。"#,
        #"The person's name, for the records."#:
            #"此人的姓名，用于记录。"#,
        #"Set the login's password: asked on the terminal, or the first line of standard input."#:
            #"设置该登录的密码：在终端上询问，或读取标准输入的第一行。"#,
        #"Make LOGIN the service login that civicq serve, worker and import connect as."#:
            #"让 LOGIN 成为 civicq serve、worker 和 import 使用的服务登录。"#,
        #"The login (created if missing) joins the group role <schema>_service: it reads and writes rows and cannot ALTER, DISABLE TRIGGER, TRUNCATE or DROP anything, nor change the event log. A person's login, a superuser or a member of the owner role is refused."#:
            #"该登录（不存在时创建）加入组角色 <schema>_service：它能读写数据行，但不能 ALTER、DISABLE TRIGGER、TRUNCATE 或 DROP 任何对象，也不能改动事件日志。个人登录、超级用户或所有者角色的成员会被拒绝。"#,
        #"Set the password of LOGIN, or your own without LOGIN."#:
            #"设置 LOGIN 的密码；不给 LOGIN 时设置你自己的密码。"#,
        #"Asked twice on the terminal, or read from the first line of standard input. Only a SCRAM verifier made by libpq reaches the server. Setting another login's password needs an admin login that may create roles."#:
            #"在终端上询问两次，或读取标准输入的第一行。只有 libpq 生成的 SCRAM 校验值会发送到服务器。设置其他登录的密码需要可以创建角色的管理员登录。"#,
        #"The PostgreSQL login (default: the one you connect as)."#:
            #"PostgreSQL 登录名（默认：你连接所用的登录）。"#,
        #"Take LOGIN out of civicq (the login itself stays)."#:
            #"把 LOGIN 移出 civicq（登录本身保留）。"#,
        #"The active people, by department."#:
            #"在岗人员，按部门列出。"#,
        #"Serve the intake API (/v1), Open311 (/open311/v2) and health checks until SIGTERM or SIGINT."#:
            #"提供接入 API（/v1）、Open311（/open311/v2）和健康检查，直到收到 SIGTERM 或 SIGINT。"#,
        #"On SIGTERM or SIGINT the server stops accepting connections, finishes the requests in flight, closes its database pool and exits 0. Intake systems need an API key (civicq keys create). /healthz says the process is up; /readyz that the database answers and is migrated."#:
            #"收到 SIGTERM 或 SIGINT 后，服务停止接受连接，处理完进行中的请求，关闭数据库连接池，然后以 0 退出。接入系统需要 API 密钥（civicq keys create）。/healthz 表示进程在运行；/readyz 表示数据库可以应答且已迁移。"#,
        #"Address to listen on."#:
            #"监听的地址。"#,
        #"Port to listen on."#:
            #"监听的端口。"#,
        #"Database connections in the server's pool."#:
            #"服务连接池中的数据库连接数。"#,
        #"Transactions storing single submissions at once (group commit); below --pool-size."#:
            #"同时保存单条提交的事务数（组提交）；须小于 --pool-size。"#,
        #"Open311 jurisdiction_id to answer for (default: any)."#:
            #"应答的 Open311 jurisdiction_id（默认：任意）。"#,
        #"Area code for Open311 requests that name none (routing sends them to a backstop or the desk)."#:
            #"未指明区域的 Open311 请求所用的区域代码（派单会把它们送到兜底部门或派单台）。"#,
        #"Invalid API keys one client address may send a minute before it gets 429 for the rest of it."#:
            #"一个客户端地址每分钟可发送的无效 API 密钥次数，超过后这一分钟剩余时间内返回 429。"#,
        #"Seconds a connection may take to send a request's head (and stay idle between requests)."#:
            #"一个连接发送请求头（以及两次请求之间空闲）可用的秒数。"#,
        #"Seconds a request's body may take to arrive (then 408 and the connection closed)."#:
            #"请求体到达可用的秒数（超时返回 408 并关闭连接）。"#,
        #"API keys for intake systems: create, list, revoke."#:
            #"接入系统的 API 密钥：创建、列出、吊销。"#,
        #"Create a key for an intake system; the key is printed once and never stored."#:
            #"为接入系统创建密钥；密钥只打印一次，不会保存。"#,
        #"The intake system's name: its cases are stored under it (letters, digits, _ . -)."#:
            #"接入系统的名称：它的案件以此为来源保存（字母、数字、_ . -）。"#,
        #"What the key is for, for people."#:
            #"密钥的用途，写给人看。"#,
        #"Limit the key to a scope (repeatable): cases:write, cases:read, callbacks:write, open311:write, dashboard:read. Default: all."#:
            #"把密钥限制在某个范围（可重复）：cases:write、cases:read、callbacks:write、open311:write、dashboard:read。默认：全部。"#,
        #"Requests a second the key may make on average."#:
            #"密钥平均每秒可发出的请求数。"#,
        #"Requests the key may make at once."#:
            #"密钥可同时发出的请求数。"#,
        #"Every key: id, source, prefix, scopes, rate, state."#:
            #"所有密钥：编号、来源、前缀、范围、速率、状态。"#,
        #"Revoke a key by id or prefix; servers refuse it within 10 seconds."#:
            #"按编号或前缀吊销密钥；服务在 10 秒内开始拒绝它。"#,
        #"The key's id or prefix."#:
            #"密钥的编号或前缀。"#,
        #"Import complaints from a JSON Lines or CSV file (UTF-8) as one intake system."#:
            #"以一个接入系统的身份，从 JSON Lines 或 CSV 文件（UTF-8）导入诉求。"#,
        #"Every row is checked by the rules of POST /v1/cases. Good rows are stored (COPY into a staging table, then the same statement as the API) with their routing queued; bad rows go to the rejects file as JSON lines {"line": N, "reason": "..."}. Running the same file again creates nothing twice. CSV needs a header naming its columns: external_id, category, area, title, description, channel, priority, received_at, citizen_name, citizen_phone, address, latitude, longitude."#:
            #"每一行都按 POST /v1/cases 的规则检查。合格的行会被保存（先 COPY 到暂存表，再执行与 API 相同的语句）并排队派单；不合格的行以 JSON 行 {"line": N, "reason": "..."} 写入拒收文件。同一文件再次导入不会重复创建。CSV 需要一行列名：external_id、category、area、title、description、channel、priority、received_at、citizen_name、citizen_phone、address、latitude、longitude。"#,
        #"The file: .jsonl (one case object per line) or .csv."#:
            #"文件：.jsonl（每行一个案件对象）或 .csv。"#,
        #"The intake system the cases come from (their source)."#:
            #"案件来自的接入系统（其来源）。"#,
        #"jsonl or csv. Default: from the file's extension (.csv is CSV, else JSON Lines)."#:
            #"jsonl 或 csv。默认：按文件扩展名（.csv 为 CSV，其余为 JSON Lines）。"#,
        #"The file's encoding: utf-8, or gb18030 (also gbk) to convert it."#:
            #"文件的编码：utf-8，或 gb18030（也可写 gbk）以进行转换。"#,
        #"Where rejected rows go. Default: FILE.rejects.jsonl."#:
            #"拒收的行写到哪里。默认：FILE.rejects.jsonl。"#,
        #"Rows per transaction."#:
            #"每个事务的行数。"#,
        #"Figures per department, area or category for a 旬, month, quarter or range."#:
            #"按部门、区域或类别统计一旬、一月、一季度或某一时段的指标。"#,
        #"Rates and what they divide by are in docs/figures.md. A case counts in the period its deadline falls in (response and resolution), or in which the event happened (intake, dispatch, returns, callbacks, reopens). Figures come from the rollups the workers keep; `civicq stats verify` recomputes a period from the event log."#:
            #"各比率及其分母见 docs/figures.md。案件计入其期限所在的时段（响应和办结），或事件发生的时段（受理、派单、退单、回访、重办）。指标来自工作进程维护的汇总；`civicq stats verify` 会从事件日志重新计算一个时段。"#,
        #"The figures table (the default)."#:
            #"指标表（默认）。"#,
        #"2026-11 (a month), 2026-11-2 (its second 旬), 2026-Q4 (a quarter). Default: this month."#:
            #"2026-11（一个月）、2026-11-2（该月第二旬）、2026-Q4（一个季度）。默认：本月。"#,
        #"First day of a range (YYYY-MM-DD), with --to."#:
            #"时段的第一天（YYYY-MM-DD），与 --to 配合。"#,
        #"Last day of a range (YYYY-MM-DD), included."#:
            #"时段的最后一天（YYYY-MM-DD），包含在内。"#,
        #"department, area or category."#:
            #"department（部门）、area（区域）或 category（类别）。"#,
        #"Departments: city, district, street, community or grid. Areas: district, street or community. Categories: class, middle or minor."#:
            #"部门：city、district、street、community 或 grid。区域：district、street 或 community。类别：class、middle 或 minor。"#,
        #"Print CSV."#:
            #"输出 CSV。"#,
        #"Lead departments of each level ranked by composite score; leading and lagging named."#:
            #"各层级主办部门按综合得分排名；列出领先和落后的部门。"#,
        #"Weights, how many are named and the smallest sample ranked are the figures.* settings."#:
            #"权重、列出多少名以及参与排名的最小样本，见 figures.* 设置。"#,
        #"Recompute a period from the event log and compare it with the rollups, or recompute it from an export alone."#:
            #"从事件日志重新计算一个时段并与汇总比较，或仅从导出文件重新计算。"#,
        #"Rolls up what is pending first. Exits 0 when they agree, 65 with the differences when not. With --export FILE --key PUBKEY no database is used: the export is verified (exit 65 if it is not proven) and the period's figures are recomputed from its events."#:
            #"先汇总待处理的变化。一致时退出码 0，不一致时 65 并列出差异。使用 --export FILE --key PUBKEY 时不使用数据库：先验证导出文件（未能证明时退出码 65），再从其事件重新计算该时段的指标。"#,
        #"An event-log export (civicq log export): recompute from it, without the database."#:
            #"事件日志导出文件（civicq log export）：不用数据库，从它重新计算。"#,
        #"The log's public key (NAME+ID+KEY) or a file holding it, with --export."#:
            #"日志的公钥（NAME+ID+KEY）或存放公钥的文件，与 --export 配合。"#,
        #"Roll up every pending change now (the workers do this every few seconds)."#:
            #"立即汇总所有待处理的变化（工作进程每隔几秒会自动进行）。"#,
        #"For after a bulk import or before publishing figures; safe beside running workers."#:
            #"用于批量导入之后或发布指标之前；可以与运行中的工作进程同时进行。"#,
        #"Cases per transaction."#:
            #"每个事务的案件数。"#,
        #"A live view of intake, the queue, overdue cases and the workers (Ctrl-C stops)."#:
            #"受理、队列、超期案件和工作进程的实时视图（Ctrl-C 停止）。"#,
        #"Reads the same counts as /metrics: cases received in the last minute and today, jobs by queue and state with the oldest wait, open cases past a deadline by department, the workers heard from in the last 30 s and the jobs each runs. On a terminal the screen is redrawn every --interval seconds; otherwise (or with --once) frames are printed one after another."#:
            #"读取与 /metrics 相同的计数：最近一分钟和今天受理的案件，按队列和状态的任务数及最长等待，各部门超期的未结案件，最近 30 秒内有动静的工作进程及各自运行的任务。在终端上每隔 --interval 秒重绘屏幕；否则（或加 --once）逐帧打印。"#,
        #"Seconds between refreshes."#:
            #"刷新间隔秒数。"#,
        #"Print one frame and exit."#:
            #"打印一帧后退出。"#,
        #"Most departments listed under overdue."#:
            #"超期栏最多列出的部门数。"#,
        #"The sealed event log: keys, export, verification."#:
            #"封存的事件日志：密钥、导出、验证。"#,
        #"A worker started with --log-key seals every event into a Merkle tree and signs checkpoints with that key. Anyone with an export and the public key can check that no sealed event was changed, removed, inserted or reordered (docs/security.md). Exit codes of verify: 0 proven, 65 tampered (the event is named)."#:
            #"以 --log-key 启动的工作进程把每个事件封存进 Merkle 树，并用该密钥签署检查点。任何人凭导出文件和公钥即可验证没有封存的事件被修改、删除、插入或调换顺序（docs/security.md）。verify 的退出码：0 已证明，65 被篡改（会指出该事件）。"#,
        #"Make a new signing key FILE (mode 600) and print its public key."#:
            #"生成新的签名密钥 FILE（权限 600）并打印其公钥。"#,
        #"The private key file to create."#:
            #"要创建的私钥文件。"#,
        #"The log's name, the first line of every checkpoint, e.g. 12345.wuhan.example/civicq."#:
            #"日志的名称，即每个检查点的第一行，例如 12345.wuhan.example/civicq。"#,
        #"Print the public key of the signing key (--key-file or CIVICQ_LOG_KEY)."#:
            #"打印签名密钥（--key-file 或 CIVICQ_LOG_KEY）的公钥。"#,
        #"The signing key file; default CIVICQ_LOG_KEY."#:
            #"签名密钥文件；默认 CIVICQ_LOG_KEY。"#,
        #"Write the sealed events and the checkpoints to FILE as JSON Lines."#:
            #"把封存的事件和检查点以 JSON Lines 写入 FILE。"#,
        #"The file to write (- for standard output)."#:
            #"要写入的文件（- 表示标准输出）。"#,
        #"Start at the checkpoint of this tree size (default: the whole log)."#:
            #"从此树大小的检查点开始（默认：整个日志）。"#,
        #"Verify an export FILE with the public key alone, or the live tables without FILE."#:
            #"只用公钥验证导出文件 FILE；不给 FILE 时验证数据库中的表。"#,
        #"Exit 0: proven. Exit 65: tampered, with the first event that fails (or the checkpoint)."#:
            #"退出码 0：已证明。退出码 65：被篡改，并给出第一个验证失败的事件（或检查点）。"#,
        #"An export (civicq log export); without it, the database is checked."#:
            #"导出文件（civicq log export）；不给时检查数据库。"#,
        #"The public key (NAME+ID+KEY, as civicq log key prints it) or a file holding it."#:
            #"公钥（NAME+ID+KEY，即 civicq log key 的输出）或存放公钥的文件。"#,
        #"Hot spots: a category in a street or district with more complaints than its own baseline."#:
            #"热点：某街道或区县中某类别的诉求明显多于其自身基线。"#,
        #"The worker's scan (every hotspots.scan_seconds) tests each day's count against the series' previous hotspots.baseline_days days (Poisson, docs/ledger.md). The hotline office sees them. Exit codes: 64 bad option, 66 unknown hot spot, 67 not a civicq user, 73 already dismissed, 77 not permitted."#:
            #"工作进程的扫描（每 hotspots.scan_seconds 秒）把每天的数量与该序列之前 hotspots.baseline_days 天比较（泊松分布，docs/ledger.md）。热线办可以看到热点。退出码：64 选项错误，66 热点不存在，67 不是 civicq 用户，73 已被搁置，77 无权限。"#,
        #"Open hot spots, newest day first."#:
            #"未处理的热点，最新日期在前。"#,
        #"Dismissed ones too."#:
            #"也列出已搁置的。"#,
        #"Most hot spots to list."#:
            #"最多列出的热点数。"#,
        #"Set a hot spot aside, with the reason (the hotline office)."#:
            #"搁置一个热点，并说明原因（热线办）。"#,
        #"The hot spot's id."#:
            #"热点编号。"#,
        #"Why it is not a problem to act on."#:
            #"为什么它不是需要处置的问题。"#,
        #"Scan now, as the worker's job does (the service or an admin), and list what is open."#:
            #"立即扫描，与工作进程的任务相同（服务登录或管理员），并列出未处理的热点。"#,
        #"The problem ledger: items, progress, close-out (销号) with evidence, and the 10-day report."#:
            #"问题台账：事项、进展、附证据销号，以及每旬报告。"#,
        #"The hotline office creates items (from selected cases, a hot spot, or a campaign's list), approves or refuses close-out; the lead unit reports progress and asks for close-out with evidence; an assisting unit reports progress. A unit sees the items it leads or assists. Times are in the reporting time zone (docs/ledger.md). Exit codes: 64 bad input, 65 a list or file that cannot be imported, 66 unknown item, case or file, 67 not a civicq user, 73 wrong state, 77 not permitted."#:
            #"热线办创建事项（来自选定的案件、热点或专项行动清单），批准或驳回销号；主办单位报告进展并附证据申请销号；协办单位报告进展。单位只能看到它主办或协办的事项。时间按统计时区（docs/ledger.md）。退出码：64 输入错误，65 清单或文件无法导入，66 事项、案件或文件不存在，67 不是 civicq 用户，73 状态不对，77 无权限。"#,
        #"Items not closed out, soonest deadline first."#:
            #"未销号的事项，期限最近的在前。"#,
        #"Closed-out items too."#:
            #"也列出已销号的事项。"#,
        #"Only items in this state: open, requested, closed_out."#:
            #"只列出此状态的事项：open、requested、closed_out。"#,
        #"Only items past their deadline and not closed out."#:
            #"只列出已过期限且未销号的事项。"#,
        #"Only items this unit leads or assists."#:
            #"只列出此单位主办或协办的事项。"#,
        #"Most items to list."#:
            #"最多列出的事项数。"#,
        #"One item: its cases, history and evidence."#:
            #"一个事项：其案件、历史和证据。"#,
        #"The item's id."#:
            #"事项编号。"#,
        #"Create an item (the hotline office): from selected cases, or from a hot spot with its cases."#:
            #"创建事项（热线办）：来自选定的案件，或来自热点及其案件。"#,
        #"The deadline is a working day of the calendar, typed as a date in the reporting time zone (--due 2026-12-15), or counted in working days from today (--working-days 10)."#:
            #"期限是日历上的一个工作日，按统计时区以日期输入（--due 2026-12-15），或从今天起按工作日计算（--working-days 10）。"#,
        #"What is to be solved, on one line."#:
            #"要解决的问题，写成一行。"#,
        #"The lead unit (主办): a department code."#:
            #"主办单位：部门代码。"#,
        #"Assisting units (协办), comma-separated department codes."#:
            #"协办单位，逗号分隔的部门代码。"#,
        #"The deadline's day, YYYY-MM-DD (a working day)."#:
            #"期限那一天，YYYY-MM-DD（须为工作日）。"#,
        #"The deadline in working days from today."#:
            #"从今天起的工作日数作为期限。"#,
        #"Where the problem is."#:
            #"问题所在地点。"#,
        #"The area code it is in."#:
            #"所在的区域代码。"#,
        #"Where it comes from (an inspection, 每月一题)."#:
            #"来源（一次督察、每月一题）。"#,
        #"A case to link (repeatable)."#:
            #"关联一个案件（可重复）。"#,
        #"Make it from this hot spot, linking its cases."#:
            #"由此热点创建，并关联其案件。"#,
        #"Import a campaign's list of items, all or nothing (the hotline office)."#:
            #"导入一次专项行动的事项清单，全部成功或全部不导入（热线办）。"#,
        #"A CSV in UTF-8 or GB18030 with a header. Columns (English or Chinese): title (事项, 问题, 整改事项), lead (牵头单位, 责任单位), due (完成时限: 2026-12-15, 2026/12/15 or 2026年12月15日, a working day), and optionally place (地点), area (区划), assisting (配合单位; several separated by ; or 、), source (来源), ref (编号, 序号). Every bad line is reported and nothing is stored (exit 65); --check reports without storing."#:
            #"带表头的 UTF-8 或 GB18030 CSV。列（英文或中文）：title（事项、问题、整改事项）、lead（牵头单位、责任单位）、due（完成时限：2026-12-15、2026/12/15 或 2026年12月15日，须为工作日），以及可选的 place（地点）、area（区划）、assisting（配合单位；多个用 ; 或 、分隔）、source（来源）、ref（编号、序号）。所有错误的行都会报告，且不保存任何内容（退出码 65）；--check 只报告不保存。"#,
        #"The CSV file (- for standard input)."#:
            #"CSV 文件（- 表示标准输入）。"#,
        #"Where the list comes from (an inspection, a campaign); a source column overrides it per line."#:
            #"清单的来源（一次督察、一次专项行动）；每行的 source 列会覆盖它。"#,
        #"The file's encoding: auto, utf8 or gb18030."#:
            #"文件的编码：auto、utf8 或 gb18030。"#,
        #"Check every line, store nothing."#:
            #"检查每一行，不保存任何内容。"#,
        #"Link cases to an item (the hotline office)."#:
            #"把案件关联到事项（热线办）。"#,
        #"Report progress on an item (its lead or an assisting unit)."#:
            #"报告事项的进展（其主办或协办单位）。"#,
        #"What was done."#:
            #"做了什么。"#,
        #"Ask for close-out (销号) with evidence (the lead unit)."#:
            #"附证据申请销号（主办单位）。"#,
        #"Evidence is at least one photo (.jpg, .png, .gif, .webp) or PDF, each at most ledger.evidence_max_bytes (10 MiB by default); its type is read from its bytes and must match its name. Stored in the database with its SHA-256."#:
            #"证据至少是一张照片（.jpg、.png、.gif、.webp）或一个 PDF，每个最大 ledger.evidence_max_bytes（默认 10 MiB）；文件类型按其内容判断，且必须与文件名一致。连同 SHA-256 保存在数据库中。"#,
        #"An evidence file (repeatable)."#:
            #"一个证据文件（可重复）。"#,
        #"Approve a close-out request: the item is closed out (the hotline office)."#:
            #"批准销号申请：事项销号（热线办）。"#,
        #"Refuse a close-out request with the reason: back to the lead unit (the hotline office)."#:
            #"驳回销号申请并说明原因：退回主办单位（热线办）。"#,
        #"Why, for the lead unit."#:
            #"原因，写给主办单位。"#,
        #"Write an evidence file's bytes to a file (the lead unit and the office may)."#:
            #"把证据文件的内容写入文件（主办单位和热线办可以）。"#,
        #"The evidence file's id (ledger show lists them)."#:
            #"证据文件的编号（ledger show 会列出）。"#,
        #"Where to write it (default: its own name, in this directory)."#:
            #"写到哪里（默认：用其原名写在当前目录）。"#,
        #"The ledger report per lead unit for a 旬, month or quarter (每旬交账)."#:
            #"按主办单位统计一旬、一月或一季度的台账报告（每旬交账）。"#,
        #"Per unit: open at the start, new, due, closed out on time and late, overdue and still open, carried over; close-out rate = closed out / (open at the start + new), on-time rate = due items closed out by their deadline / due items (docs/ledger.md). A period still running is counted up to now. --csv writes UTF-8 with a BOM (Excel reads Chinese text right); --html a printable page with charts."#:
            #"每个单位：期初未销号、新增、到期、按期销号和逾期销号、超期仍未销号、结转；销号率 = 已销号 /（期初未销号 + 新增），按期率 = 按期销号的到期事项 / 到期事项（docs/ledger.md）。尚未结束的时段计算到现在。--csv 输出带 BOM 的 UTF-8（Excel 能正确显示中文）；--html 输出带图表的可打印页面。"#,
        #"2026-12-1 (a 旬), 2026-12 (a month) or 2026-Q4 (a quarter); default the current 旬."#:
            #"2026-12-1（一旬）、2026-12（一个月）或 2026-Q4（一个季度）；默认本旬。"#,
        #"Print CSV (UTF-8 with a BOM)."#:
            #"输出 CSV（带 BOM 的 UTF-8）。"#,
        #"Print a printable HTML page with charts."#:
            #"输出带图表的可打印 HTML 页面。"#,
        #"Write to this file instead of standard output."#:
            #"写入此文件而不是标准输出。"#,
        #"The event history by month: list the months, archive an old one."#:
            #"按月的事件历史：列出各月，归档旧的月份。"#,
        #"case_events is partitioned by calendar month (UTC). The worker makes this month's partition and the next history.months_ahead (3) ahead; an event of a month with no partition goes to the default partition, and moves into its month when the month is made. An archived month leaves the live table (and every query on it) for case_events_archived, which the log's verification and export still read; from there it can be dumped with pg_dump (docs/operations.md)."#:
            #"case_events 按日历月（UTC）分区。工作进程建立本月的分区以及之后 history.months_ahead（3）个月的分区；某月没有分区时其事件进入默认分区，该月分区建立后再移入。归档的月份离开在线表（以及对它的所有查询），进入 case_events_archived，日志的验证和导出仍会读取它；可以从那里用 pg_dump 导出（docs/operations.md）。"#,
        #"Every month of the history: live, archived or default, events and size."#:
            #"历史的每个月：在线、已归档或默认分区，事件数和大小。"#,
        #"Archive one month: it leaves the live history for case_events_archived."#:
            #"归档一个月：它离开在线历史，进入 case_events_archived。"#,
        #"Needs the login that runs civicq migrate (it acts as the schema's owner). Refused for a month within history.keep_months (24) of now, a month with a case that is still open or has events in the kept months, and, when the log is sealed, a month with an event not yet sealed. Takes the table's lock for a moment (waits at most 5 s)."#:
            #"需要运行 civicq migrate 的登录（它充当模式所有者）。以下月份会被拒绝：距今 history.keep_months（24）个月以内的月份、有仍未结案件或在保留月份中有事件的案件的月份，以及日志已封存时有尚未封存事件的月份。会短暂持有表锁（最多等待 5 秒）。"#,
        #"The month, YYYY-MM."#:
            #"月份，YYYY-MM。"#,
        #"Show subcommand help information."#:
            #"显示子命令的帮助信息。"#,
    ]
}
