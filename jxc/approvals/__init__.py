"""审批与通知: approval rules per document type, the decisions taken on each document, the
to-do inbox, notifications (in-app, e-mail, webhook, 企业微信/钉钉/飞书 robots) and 预警规则
(docs/approvals.md). A document owns its state; this app keeps policy and decisions."""
