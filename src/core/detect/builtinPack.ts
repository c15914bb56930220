// The built-in rule pack: Sigma rules for CloudTrail written for this project (not copied from
// any public pack), covering the AWS attack techniques of Stratus Red Team and the usual
// logging, credential, persistence and exfiltration moves. Each rule says why it matters
// (description) and when it fires on benign activity (falsepositives). They are plain Sigma: a
// user can copy one into a rule folder and change it. Levels follow what an investigator should
// look at first: critical and high are rarely benign, low and informational give context.
import { parseSigmaRules, SigmaRule } from './rule';

export const BUILTIN_SOURCE = 'built-in';

export const BUILTIN_PACK_YAML = String.raw`title: CloudTrail trail deleted
id: c922b67f-c797-4bb9-94af-d09445f4b55a
status: stable
description: A trail was deleted. Without the trail, API activity in the account is no longer delivered to the log bucket; attackers delete trails to operate unseen, and the deletion is often the last event an investigation sees from them.
tags:
  - attack.defense-evasion
  - attack.t1562.008
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: cloudtrail.amazonaws.com
    eventName: DeleteTrail
  condition: selection
falsepositives:
  - Decommissioning a trail that another trail (an organization trail) replaces
level: high
---
title: CloudTrail logging stopped
id: 39ca6d66-0a24-49f6-a3b5-3084b5d85af3
status: stable
description: Logging was turned off on a trail. The trail still exists and looks configured, so a stopped trail is a quieter way than deletion to blind the account's audit log.
tags:
  - attack.defense-evasion
  - attack.t1562.008
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: cloudtrail.amazonaws.com
    eventName: StopLogging
  condition: selection
falsepositives:
  - Maintenance of a trail's destination bucket, with logging restarted soon after (look for StartLogging)
level: high
---
title: CloudTrail event selectors changed
id: 036a0274-2ec1-4f02-8b2a-82ea218db349
status: stable
description: The events a trail records were changed. Selectors that exclude management events, record only read-only calls or drop data events let write activity go unlogged while the trail still appears healthy.
tags:
  - attack.defense-evasion
  - attack.t1562.008
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: cloudtrail.amazonaws.com
    eventName:
      - PutEventSelectors
      - PutInsightSelectors
  condition: selection
falsepositives:
  - Planned changes to data-event logging (cost control, new buckets or functions to record)
level: medium
---
title: CloudTrail trail stops recording management events
id: 8fb79378-44eb-48f8-982a-e1934798438a
status: experimental
description: Event selectors were set so that the trail no longer records management events, or records only read-only calls. This is the precise form of selector tampering that hides every IAM, EC2 and logging change an attacker makes next.
tags:
  - attack.defense-evasion
  - attack.t1562.008
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: cloudtrail.amazonaws.com
    eventName: PutEventSelectors
  weakened:
    - requestParameters.eventSelectors.includeManagementEvents: false
    - requestParameters.eventSelectors.readWriteType: ReadOnly
  condition: selection and weakened
falsepositives:
  - A trail dedicated to data events, with management events recorded by another trail
level: high
---
title: CloudTrail trail settings updated
id: 350e8531-c25a-4119-a121-16a8afbaa372
status: stable
description: A trail's settings (destination bucket, KMS key, multi-region or global-service coverage, log validation) were changed. Redirecting delivery to an attacker's bucket or turning off validation weakens the audit trail without stopping it.
tags:
  - attack.defense-evasion
  - attack.t1562.008
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: cloudtrail.amazonaws.com
    eventName: UpdateTrail
  condition: selection
falsepositives:
  - Infrastructure-as-code applying trail changes
level: low
---
title: CloudTrail Lake event data store deleted or ingestion stopped
id: e9caca82-cbd2-4169-af89-97832dfd2282
status: experimental
description: A CloudTrail Lake event data store was deleted or stopped ingesting. Lake stores are often the long-term, queryable copy of the audit log that responders rely on.
tags:
  - attack.defense-evasion
  - attack.t1562.008
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: cloudtrail.amazonaws.com
    eventName:
      - DeleteEventDataStore
      - StopEventDataStoreIngestion
  condition: selection
falsepositives:
  - Retiring an event data store after migrating to a new one
level: high
---
title: Route 53 Resolver query logging removed
id: 61e84ca5-8583-4fbf-9aff-f13a926903b0
status: experimental
description: A Route 53 Resolver query logging configuration was deleted or detached from a VPC. DNS query logs show which domains instances resolve (command and control, exfiltration endpoints); removing them hides that trail.
tags:
  - attack.defense-evasion
  - attack.t1562.008
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: route53resolver.amazonaws.com
    eventName:
      - DeleteResolverQueryLogConfig
      - DisassociateResolverQueryLogConfig
  condition: selection
falsepositives:
  - Removing a VPC, or moving query logging to another configuration
level: high
---
title: VPC flow logs deleted
id: 4a760697-5e99-44e8-b8cb-b05b0db3069f
status: stable
description: VPC flow logs were deleted. Flow logs are the network record of a VPC; an attacker removes them before moving data or reaching out to infrastructure they control.
tags:
  - attack.defense-evasion
  - attack.t1562.008
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: ec2.amazonaws.com
    eventName: DeleteFlowLogs
  condition: selection
falsepositives:
  - Tearing down a VPC or replacing a flow log with a differently configured one
level: high
---
title: CloudWatch log group or stream deleted
id: e585a13f-3a3f-45a7-a97d-4cd0b246ed78
status: experimental
description: A CloudWatch Logs log group or stream was deleted. Log groups often hold CloudTrail, VPC, Lambda and application logs; deleting them destroys evidence.
tags:
  - attack.defense-evasion
  - attack.t1562.008
  - attack.t1070
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: logs.amazonaws.com
    eventName:
      - DeleteLogGroup
      - DeleteLogStream
  condition: selection
falsepositives:
  - Clean-up of log groups left by deleted functions or stacks
level: medium
---
title: GuardDuty detector deleted or disabled
id: b57a6ae0-25fd-4b7f-9fa8-f0d35ef5684f
status: stable
description: A GuardDuty detector was deleted, or updated to stop monitoring. GuardDuty is the account's threat detection; turning it off is a classic first step after gaining administrative access.
tags:
  - attack.defense-evasion
  - attack.t1562.001
logsource:
  product: aws
  service: cloudtrail
detection:
  selection_delete:
    eventSource: guardduty.amazonaws.com
    eventName: DeleteDetector
  selection_disable:
    eventSource: guardduty.amazonaws.com
    eventName: UpdateDetector
    requestParameters.enable: false
  condition: 1 of selection_*
falsepositives:
  - Closing an account, or consolidating GuardDuty under a delegated administrator
level: high
---
title: GuardDuty findings suppressed or trusted IPs changed
id: 4cb2ab73-08de-4fc3-a4a6-f8b7922a5899
status: experimental
description: A GuardDuty filter that archives findings, a trusted IP list, or a change to the member / administrator relationship. Each one lets an attacker's activity stop raising findings while GuardDuty still appears enabled.
tags:
  - attack.defense-evasion
  - attack.t1562.001
logsource:
  product: aws
  service: cloudtrail
detection:
  selection_filter:
    eventSource: guardduty.amazonaws.com
    eventName:
      - CreateFilter
      - UpdateFilter
    requestParameters.action: ARCHIVE
  selection_other:
    eventSource: guardduty.amazonaws.com
    eventName:
      - CreateIPSet
      - UpdateIPSet
      - DeletePublishingDestination
      - DisassociateFromMasterAccount
      - DisassociateFromAdministratorAccount
      - StopMonitoringMembers
      - DeleteMembers
  condition: 1 of selection_*
falsepositives:
  - Suppression rules written by the security team for known benign findings
  - Reorganising GuardDuty membership
level: medium
---
title: AWS Config recording stopped or deleted
id: a92cb673-7074-425b-a952-4c1157f6025a
status: stable
description: The AWS Config recorder was stopped or deleted, or its delivery channel removed. Config records every resource change; without it, changes to security groups, IAM and buckets leave no configuration history.
tags:
  - attack.defense-evasion
  - attack.t1562.001
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: config.amazonaws.com
    eventName:
      - StopConfigurationRecorder
      - DeleteConfigurationRecorder
      - DeleteDeliveryChannel
  condition: selection
falsepositives:
  - Account decommissioning, or recorder changes during a Config reconfiguration
level: high
---
title: AWS Config rules deleted
id: 9394aa9c-e733-48f5-bd8d-8802f2c755f1
status: experimental
description: AWS Config rules or conformance packs were deleted. The compliance checks stop evaluating, so insecure changes an attacker makes next raise no non-compliance.
tags:
  - attack.defense-evasion
  - attack.t1562.001
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: config.amazonaws.com
    eventName:
      - DeleteConfigRule
      - DeleteConformancePack
      - DeleteOrganizationConfigRule
  condition: selection
falsepositives:
  - Retiring rules through infrastructure-as-code
level: medium
---
title: Security Hub disabled
id: 75a029c9-ef07-4a4f-b8ee-aaa4aa4fa9da
status: experimental
description: Security Hub was disabled, or standards or product integrations turned off. The central view of findings goes dark for the account.
tags:
  - attack.defense-evasion
  - attack.t1562.001
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: securityhub.amazonaws.com
    eventName:
      - DisableSecurityHub
      - BatchDisableStandards
      - DisableImportFindingsForProduct
      - DisassociateFromAdministratorAccount
  condition: selection
falsepositives:
  - Changing which standards are evaluated
level: high
---
title: Security service disabled (Inspector, Detective, Macie, Access Analyzer)
id: 75be0843-123d-48fd-a611-7a721439b59c
status: experimental
description: A detection or posture service was turned off or its analyzer removed. Each of these is a sensor an attacker gains by disabling before acting.
tags:
  - attack.defense-evasion
  - attack.t1562.001
logsource:
  product: aws
  service: cloudtrail
detection:
  selection_inspector:
    eventSource: inspector2.amazonaws.com
    eventName: Disable
  selection_detective:
    eventSource: detective.amazonaws.com
    eventName: DeleteGraph
  selection_macie:
    eventSource: macie2.amazonaws.com
    eventName: DisableMacie
  selection_analyzer:
    eventSource: access-analyzer.amazonaws.com
    eventName: DeleteAnalyzer
  condition: 1 of selection_*
falsepositives:
  - Cost-driven decisions to stop a service in sandbox accounts
level: medium
---
title: CloudWatch alarms deleted or silenced
id: f36ee289-5eab-4c4f-8156-89d23548ad98
status: experimental
description: CloudWatch alarms were deleted or their actions disabled. Alarms on root logins, trail changes or unusual spend are how many teams learn of an incident.
tags:
  - attack.defense-evasion
  - attack.t1562.001
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: monitoring.amazonaws.com
    eventName:
      - DeleteAlarms
      - DisableAlarmActions
  condition: selection
falsepositives:
  - Maintenance windows that silence alarms on purpose
level: medium
---
title: Account left its AWS Organization
id: b19834cb-cd8b-4dd9-b7cb-93fdf076e7d0
status: stable
description: An account left, or was removed from, its AWS Organization. Outside the organization, service control policies, organization trails and delegated security services no longer apply to it, which makes leaving a powerful way to shed guardrails (even an attempt that failed is worth knowing).
tags:
  - attack.defense-evasion
  - attack.t1562
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: organizations.amazonaws.com
    eventName:
      - LeaveOrganization
      - RemoveAccountFromOrganization
  condition: selection
falsepositives:
  - Planned account transfers between organizations
level: high
---
title: Organization policies detached or disabled
id: bfa4981b-c948-4f82-85b4-634f0f1ce415
status: experimental
description: A service control policy or another organization policy was detached, deleted, or a policy type disabled. This lifts guardrails (region locks, deny rules for logging changes) across accounts.
tags:
  - attack.defense-evasion
  - attack.t1562
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: organizations.amazonaws.com
    eventName:
      - DetachPolicy
      - DeletePolicy
      - DisablePolicyType
  condition: selection
falsepositives:
  - Reworking the organization's policy structure
level: medium
---
title: EC2 Windows password data retrieved
id: 083107c6-e36e-498a-a0c1-3dd761753429
status: stable
description: GetPasswordData returns the encrypted Administrator password of a Windows instance. Attackers call it across many instances to harvest credentials (failed attempts show the intent as well).
tags:
  - attack.credential-access
  - attack.t1552
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: ec2.amazonaws.com
    eventName: GetPasswordData
  condition: selection
falsepositives:
  - Administrators connecting to Windows instances by RDP for the first time
level: medium
---
title: Secrets Manager secrets read in bulk
id: 088ca6e2-3364-4212-91ed-957affe6ffe2
status: experimental
description: BatchGetSecretValue returns the values of up to twenty secrets in one call, selected by name or by filter. One call can hand over every database password and API key an identity can see.
tags:
  - attack.credential-access
  - attack.t1555.006
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: secretsmanager.amazonaws.com
    eventName: BatchGetSecretValue
  condition: selection
falsepositives:
  - Applications that load their configuration from several secrets at start-up
level: medium
---
title: Secret value read with long-term IAM user keys
id: 3529f15a-b310-42ac-81a4-5b0c4b5c5214
status: experimental
description: A secret's value was read by an IAM user (long-term access keys or a console password) rather than by a role. Workloads normally read secrets through roles; a user reading them is either a person or a leaked key.
tags:
  - attack.credential-access
  - attack.t1555.006
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: secretsmanager.amazonaws.com
    eventName: GetSecretValue
    userIdentity.type: IAMUser
  condition: selection
falsepositives:
  - Legacy applications that still use IAM user keys
  - Engineers reading a secret by hand
level: low
---
title: Secrets Manager secrets listed
id: b6527e8b-61ad-4c86-ada1-e3347b547a3c
status: experimental
description: ListSecrets enumerates every secret an identity can see; credential theft usually starts with it.
tags:
  - attack.discovery
  - attack.credential-access
  - attack.t1555.006
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: secretsmanager.amazonaws.com
    eventName: ListSecrets
  condition: selection
falsepositives:
  - The console and inventory tools list secrets routinely
level: informational
---
title: SSM SecureString parameters decrypted
id: 91990d75-fa25-4bdf-8ef4-cf9487e56a0c
status: experimental
description: Parameters were read from SSM Parameter Store with decryption. SecureString parameters hold credentials and keys; decrypting many of them at once is credential harvesting.
tags:
  - attack.credential-access
  - attack.t1555.006
  - attack.t1552
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: ssm.amazonaws.com
    eventName:
      - GetParameter
      - GetParameters
      - GetParametersByPath
    requestParameters.withDecryption: true
  condition: selection
falsepositives:
  - Applications and deployment pipelines reading their own secure configuration
level: medium
---
title: IAM access key created for another user
id: 7eb6a047-0498-4a4e-bc14-074d0daa1af6
status: stable
description: A new access key was created for an IAM user other than the caller. A key created for someone else is the classic backdoor that keeps access after the attacker's own credentials are revoked (a user rotating their own key, with no userName or their own, is left out).
tags:
  - attack.persistence
  - attack.t1098.001
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: iam.amazonaws.com
    eventName: CreateAccessKey
  filter_own_key:
    - requestParameters.userName: null
    - userIdentity.userName|fieldref: requestParameters.userName
    # A session named like the user (its ARN ends with the session name). Not for IAM users:
    # user/svc-admin ends with "admin" too, and their own key is the userName test above.
    - userIdentity.type:
        - AssumedRole
        - FederatedUser
      userIdentity.arn|fieldref|endswith: requestParameters.userName
  condition: selection and not filter_own_key
falsepositives:
  - Administrators issuing keys to service users
  - A role session named like the user rotating that user's key
level: medium
---
title: Access key created for the root user
id: bd572c77-976b-46f9-984e-8b7f884dc965
status: stable
description: The root user created an access key for itself. Root keys cannot be limited by any policy; AWS recommends that none exist.
tags:
  - attack.persistence
  - attack.t1098.001
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: iam.amazonaws.com
    eventName: CreateAccessKey
    userIdentity.type: Root
    requestParameters.userName: null
  condition: selection
falsepositives:
  - None expected; even a deliberate root key should be reviewed
level: critical
---
title: Console password created for an IAM user
id: 47386600-8a46-4898-8413-2168c582215f
status: stable
description: A login profile (console password) was created for an IAM user. Giving a programmatic-only user a password creates a new way in that key rotation does not close.
tags:
  - attack.persistence
  - attack.t1098.001
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: iam.amazonaws.com
    eventName: CreateLoginProfile
  condition: selection
falsepositives:
  - Onboarding a new person with console access
level: medium
---
title: Console password of another IAM user changed
id: 57496a2e-fc49-4572-84f7-6226ea65a0a8
status: stable
description: UpdateLoginProfile sets another user's console password. An attacker with iam:UpdateLoginProfile takes over any user, including more privileged ones, by resetting it.
tags:
  - attack.privilege-escalation
  - attack.persistence
  - attack.t1098.001
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: iam.amazonaws.com
    eventName: UpdateLoginProfile
  filter_own_password:
    - userIdentity.userName|fieldref: requestParameters.userName
    # A session named like the user (see 'IAM access key created for another user').
    - userIdentity.type:
        - AssumedRole
        - FederatedUser
      userIdentity.arn|fieldref|endswith: requestParameters.userName
  condition: selection and not filter_own_password
falsepositives:
  - Help-desk password resets
  - A role session named like the user changing that user's password
level: high
---
title: IAM user created
id: 8eaf848f-455a-45da-8b94-558a200bdd93
status: stable
description: A new IAM user was created. New users are a common persistence mechanism, especially when followed by an access key, a login profile or an administrator policy.
tags:
  - attack.persistence
  - attack.t1136.003
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: iam.amazonaws.com
    eventName: CreateUser
  condition: selection
falsepositives:
  - Onboarding, service users created by infrastructure-as-code
level: low
---
title: Administrator policy attached to a user, group or role
id: 77ea6362-c851-42e2-b4cd-d97faa023976
status: stable
description: The AWS managed AdministratorAccess (or IAMFullAccess) policy was attached. This is full control of the account, granted in one call; attackers attach it to users and roles they created or took over.
tags:
  - attack.privilege-escalation
  - attack.persistence
  - attack.t1098.003
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: iam.amazonaws.com
    eventName:
      - AttachUserPolicy
      - AttachRolePolicy
      - AttachGroupPolicy
    requestParameters.policyArn|endswith:
      - ':policy/AdministratorAccess'
      - ':policy/IAMFullAccess'
  condition: selection
falsepositives:
  - Creating break-glass or administrator roles on purpose
level: high
---
title: Inline IAM policy grants all actions
id: 6dd4e7ab-0a5c-45d7-975d-08911ef54752
status: experimental
description: An inline policy was put on a user, group or role whose document allows every action ("Action":"*"). Inline policies are easy to miss in reviews of attached managed policies.
tags:
  - attack.privilege-escalation
  - attack.persistence
  - attack.t1098.003
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: iam.amazonaws.com
    eventName:
      - PutUserPolicy
      - PutRolePolicy
      - PutGroupPolicy
    requestParameters.policyDocument|re|all:
      - '"Action"\s*:\s*(\[\s*("[^"]*"\s*,\s*)*)?"\*"'
      - '"Effect"\s*:\s*"Allow"'
  condition: selection
falsepositives:
  - Administrator roles defined with inline policies
level: high
---
title: IAM role trust policy changed
id: be475428-3e18-4af2-a393-c4411eb08f76
status: stable
description: A role's trust policy (who may assume it) was replaced. Adding an external account, a user or "*" to an existing privileged role is a stealthy backdoor, since the role's permissions do not change.
tags:
  - attack.persistence
  - attack.privilege-escalation
  - attack.t1098.003
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: iam.amazonaws.com
    eventName: UpdateAssumeRolePolicy
  condition: selection
falsepositives:
  - Adding a new trusted service or CI identity to a role
level: medium
---
title: IAM role created that another AWS account may assume
id: aaa3f043-7631-410a-a622-897e67708a8c
status: experimental
description: A role was created whose trust policy names an AWS principal (an account, user or role) rather than only services. A role trusting an outside account is a ready-made backdoor into this one.
tags:
  - attack.persistence
  - attack.t1098.003
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: iam.amazonaws.com
    eventName: CreateRole
    requestParameters.assumeRolePolicyDocument|re: '"AWS"\s*:'
  condition: selection
falsepositives:
  - Cross-account roles for known partner, audit or CI accounts
level: medium
---
title: IAM Roles Anywhere trust anchor or profile created
id: 62587887-fa42-4c28-ad88-7d4cfc094b24
status: experimental
description: A Roles Anywhere trust anchor (a certificate authority AWS will trust) or profile was created. Whoever holds a certificate from that authority can then obtain role credentials from outside AWS, with no IAM user or key to revoke.
tags:
  - attack.persistence
  - attack.t1098.001
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: rolesanywhere.amazonaws.com
    eventName:
      - CreateTrustAnchor
      - UpdateTrustAnchor
      - CreateProfile
  condition: selection
falsepositives:
  - Setting up Roles Anywhere for on-premises workloads
level: high
---
title: Federation token issued to an IAM user
id: 6dbab885-1e34-4198-bf26-989b2157ab17
status: experimental
description: GetFederationToken gives temporary credentials that outlive the deletion of the access key that requested them, and whose sessions are hard to revoke. Attackers use it to keep access once a leaked key is rotated.
tags:
  - attack.persistence
  - attack.t1098.001
  - attack.t1550.001
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: sts.amazonaws.com
    eventName: GetFederationToken
  condition: selection
falsepositives:
  - Legacy identity brokers that federate users with GetFederationToken
level: medium
---
title: Console login without MFA
id: 3a266c72-8432-4179-bc87-d06c9cbbc40e
status: stable
description: An IAM user signed in to the console successfully without multi-factor authentication. A password alone is what phishing and credential stuffing give an attacker.
tags:
  - attack.initial-access
  - attack.t1078.004
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: signin.amazonaws.com
    eventName: ConsoleLogin
    userIdentity.type: IAMUser
    responseElements.ConsoleLogin: Success
    additionalEventData.MFAUsed: 'No'
  filter_saml:
    additionalEventData.SamlProviderArn|exists: true
  condition: selection and not filter_saml
falsepositives:
  - Users for whom MFA is not yet enforced
level: medium
---
title: Root user console login
id: a3b3a7c5-71b0-4023-8017-ea1f81702ea4
status: stable
description: Someone signed in to the console as the account's root user. Root is unrestricted by IAM policies and should only be used for the few tasks that need it.
tags:
  - attack.initial-access
  - attack.privilege-escalation
  - attack.t1078.004
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: signin.amazonaws.com
    eventName: ConsoleLogin
    userIdentity.type: Root
  condition: selection
falsepositives:
  - The tasks that require root (billing settings, closing the account, restoring IAM access)
level: high
---
title: Root user API activity
id: e586ef92-ad22-4b32-9f40-58af15f37b6c
status: stable
description: The root user made an API call. Day-to-day work should never use root; its use outside the documented root-only tasks is a strong sign of compromise.
tags:
  - attack.privilege-escalation
  - attack.t1078.004
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    userIdentity.type: Root
  filter_service:
    eventType: AwsServiceEvent
  filter_login:
    eventName: ConsoleLogin
  condition: selection and not 1 of filter_*
falsepositives:
  - Root-only tasks (account settings, support plans, some S3 and billing operations)
level: medium
---
title: Console login failed
id: 45c428a9-fce2-4e91-b6ed-2cd74b86de82
status: stable
description: A console sign-in failed. Single failures are common; bursts for one user or from one address point to password guessing.
tags:
  - attack.credential-access
  - attack.t1110
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: signin.amazonaws.com
    eventName: ConsoleLogin
    responseElements.ConsoleLogin: Failure
  condition: selection
falsepositives:
  - Mistyped passwords
level: low
---
title: MFA device deactivated or deleted
id: 04092cbd-29c4-4c5c-91d6-b0cdaca15d9a
status: stable
description: An MFA device was deactivated or deleted. Removing MFA from a user makes its password or keys enough to sign in, and is a common step in account takeover.
tags:
  - attack.persistence
  - attack.defense-evasion
  - attack.t1556.006
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: iam.amazonaws.com
    eventName:
      - DeactivateMFADevice
      - DeleteVirtualMFADevice
  condition: selection
falsepositives:
  - Replacing a lost or broken MFA device
level: medium
---
title: Identity provider created or changed
id: d52635e7-1647-4c17-a609-513749d3f13b
status: experimental
description: A SAML or OpenID Connect identity provider was created or its metadata changed. An attacker-controlled provider can mint federated sessions for any role that trusts it (a "golden SAML" style backdoor).
tags:
  - attack.persistence
  - attack.privilege-escalation
  - attack.t1484.002
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: iam.amazonaws.com
    eventName:
      - CreateSAMLProvider
      - UpdateSAMLProvider
      - CreateOpenIDConnectProvider
      - AddClientIDToOpenIDConnectProvider
  filter_identity_center:
    userIdentity.invokedBy: sso.amazonaws.com
    userIdentity.arn|contains: ':assumed-role/AWSServiceRoleForSSO/'
  condition: selection and not filter_identity_center
falsepositives:
  - Setting up single sign-on or CI federation (GitHub Actions OIDC)
level: high
---
title: Lambda function made invocable by anyone
id: 2087d8e2-daac-4d1d-9ae6-16b5da185a32
status: experimental
description: A Lambda resource policy statement was added for the principal "*". Anyone can then invoke the function, which turns it into a public backdoor into whatever its role can reach.
tags:
  - attack.persistence
  - attack.t1648
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: lambda.amazonaws.com
    eventName|startswith: AddPermission
    requestParameters.principal: '\*'
  condition: selection
falsepositives:
  - Functions meant to be public, usually behind a function URL or API with their own authentication
level: high
---
title: Lambda function permission added
id: 692f36ef-1393-407c-aad8-cfd20f6118f8
status: experimental
description: A resource policy statement was added to a Lambda function, allowing another principal (an account, a service) to invoke it.
tags:
  - attack.persistence
  - attack.t1648
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: lambda.amazonaws.com
    eventName|startswith: AddPermission
  condition: selection
falsepositives:
  - Wiring functions to S3, SNS, EventBridge or API Gateway triggers
level: low
---
title: Lambda layer attached to a function
id: 84b412d2-79d8-4875-9e39-b51d2f1cbb7c
status: experimental
description: A function's configuration was updated with layers. A malicious layer or extension runs inside every invocation of the function, sees its environment and credentials, and survives code deployments.
tags:
  - attack.persistence
  - attack.t1648
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: lambda.amazonaws.com
    eventName|startswith: UpdateFunctionConfiguration
    requestParameters.layers|exists: true
  condition: selection
falsepositives:
  - Deployments that add monitoring or runtime layers
level: medium
---
title: Lambda function code replaced
id: 33b3f4c6-9269-4090-a199-7a6f77a62198
status: experimental
description: A Lambda function's code was updated. Overwriting the code of an existing, trusted function is a way to run attacker code with that function's role and triggers.
tags:
  - attack.persistence
  - attack.t1648
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: lambda.amazonaws.com
    eventName|startswith: UpdateFunctionCode
  condition: selection
falsepositives:
  - Normal deployments from CI pipelines
level: low
---
title: Lambda function URL without authentication
id: ddf577b4-f06c-4ba4-a700-996e00cea4fd
status: experimental
description: A function URL was created or changed with auth type NONE, exposing the function to the internet with no IAM authentication.
tags:
  - attack.persistence
  - attack.t1648
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: lambda.amazonaws.com
    eventName|startswith:
      - CreateFunctionUrlConfig
      - UpdateFunctionUrlConfig
    requestParameters.authType: NONE
  condition: selection
falsepositives:
  - Public webhooks that authenticate requests in their code
level: medium
---
title: EC2 instance user data modified
id: c92929f1-dd82-4e3c-8266-6895b17865d7
status: stable
description: An instance's user data was changed. User data scripts run as root when the instance starts; an attacker stops an instance, replaces its user data and starts it again to run code on it.
tags:
  - attack.execution
  - attack.persistence
  - attack.t1059
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: ec2.amazonaws.com
    eventName: ModifyInstanceAttribute
    requestParameters.userData|exists: true
  condition: selection
falsepositives:
  - Changing the boot configuration of an instance during maintenance
level: high
---
title: EC2 instance user data read
id: 8494dd4a-eb12-4009-b642-08c6b5313bfe
status: stable
description: An instance's user data was requested. User data often contains bootstrap secrets (passwords, tokens, keys); attackers download it from every instance they can list.
tags:
  - attack.discovery
  - attack.credential-access
  - attack.t1580
  - attack.t1552
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: ec2.amazonaws.com
    eventName: DescribeInstanceAttribute
    requestParameters.attribute: userData
  condition: selection
falsepositives:
  - Troubleshooting instance bootstrap from the console
  - Cloud security posture scanners that read user data to look for secrets
level: medium
---
title: EC2 instance launched with an unusual instance type
id: 45c9173a-4d1c-459a-8592-298cbfb17d6a
status: experimental
description: Instances of GPU, accelerator or very large memory types were requested. These types are what crypto-mining and other resource hijacking ask for, and rarely what a workload account runs (attempts that fail on quota are as telling).
tags:
  - attack.impact
  - attack.t1496
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: ec2.amazonaws.com
    eventName: RunInstances
    requestParameters.instanceType|startswith:
      - 'p2.'
      - 'p3.'
      - 'p3dn.'
      - 'p4d.'
      - 'p4de.'
      - 'p5.'
      - 'g3.'
      - 'g4dn.'
      - 'g5.'
      - 'g6.'
      - 'inf1.'
      - 'inf2.'
      - 'trn1.'
      - 'dl1.'
      - 'x1.'
      - 'x1e.'
      - 'x2'
      - 'u-'
  condition: selection
falsepositives:
  - Machine-learning teams that train on GPU instances
level: medium
---
title: SSM command runs a shell script on instances
id: 5736c60f-b81b-47dd-80c3-15a2b6fab3d5
status: stable
description: SendCommand with AWS-RunShellScript or AWS-RunPowerShellScript runs arbitrary commands as root or SYSTEM on the target instances, for example to read their instance credentials from the metadata service.
tags:
  - attack.execution
  - attack.t1651
  - attack.credential-access
  - attack.t1552.005
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: ssm.amazonaws.com
    eventName: SendCommand
    requestParameters.documentName:
      - AWS-RunShellScript
      - AWS-RunPowerShellScript
  condition: selection
falsepositives:
  - Administrators and automation running maintenance scripts
level: medium
---
title: SSM session started on an instance
id: c34c6b8f-7516-4a54-9149-61d86c9dea58
status: stable
description: An interactive Session Manager session was started. It gives a shell on the instance without SSH keys or open ports.
tags:
  - attack.execution
  - attack.t1651
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: ssm.amazonaws.com
    eventName: StartSession
  condition: selection
falsepositives:
  - Operators using Session Manager as their normal way in
level: low
---
title: SSH key pushed with EC2 Instance Connect
id: 66756502-4d2e-46a5-88bd-8ede7fdab45e
status: experimental
description: An SSH public key was pushed to an instance with EC2 Instance Connect. For 60 seconds the key opens an SSH session as the given OS user, to an instance the caller may have no other access to.
tags:
  - attack.lateral-movement
  - attack.t1021.004
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: ec2-instance-connect.amazonaws.com
    eventName: SendSSHPublicKey
  condition: selection
falsepositives:
  - Engineers connecting through the console's EC2 Instance Connect button
level: medium
---
title: EC2 serial console access enabled or used
id: 4c5eb469-331e-420d-ba4b-6a7bf46c5b1e
status: experimental
description: Serial console access was enabled for the account, or an SSH key pushed for a serial console session. The serial console reaches an instance even when its network and SSH are locked down.
tags:
  - attack.lateral-movement
  - attack.t1021
logsource:
  product: aws
  service: cloudtrail
detection:
  selection_enable:
    eventSource: ec2.amazonaws.com
    eventName: EnableSerialConsoleAccess
  selection_key:
    eventSource: ec2-instance-connect.amazonaws.com
    eventName: SendSerialConsoleSSHPublicKey
  condition: 1 of selection_*
falsepositives:
  - Recovering an instance that no longer boots or answers on the network
level: high
---
title: Security group opened to the internet
id: aa2f63d3-607b-4a04-97a1-d6a07564c49a
status: stable
description: An ingress rule was added to a security group for 0.0.0.0/0 or ::/0. Anything listening on the opened ports is then reachable from anywhere, for example SSH for an attacker's own access or a path for exfiltration.
tags:
  - attack.defense-evasion
  - attack.t1562.007
logsource:
  product: aws
  service: cloudtrail
detection:
  selection_call:
    eventSource: ec2.amazonaws.com
    eventName: AuthorizeSecurityGroupIngress
  selection_world:
    - requestParameters.cidrIp|endswith: '/0'
    - requestParameters.ipPermissions.items.ipRanges.items.cidrIp|endswith: '/0'
    - requestParameters.ipPermissions.items.ipv6Ranges.items.cidrIpv6|endswith: '::/0'
  condition: all of selection_*
falsepositives:
  - Public web servers opening 80 and 443
level: medium
---
title: AMI shared with another account or made public
id: dd92e582-c1c6-4a0e-9207-2777f251226c
status: stable
description: Launch permission was added to a machine image. A shared AMI carries the instance's disks (data, keys, credentials) to the account it is shared with; "all" makes it public.
tags:
  - attack.exfiltration
  - attack.t1537
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: ec2.amazonaws.com
    eventName: ModifyImageAttribute
    requestParameters.launchPermission.add|exists: true
  condition: selection
falsepositives:
  - Publishing images to the organization's other accounts
level: high
---
title: EBS snapshot shared with another account or made public
id: f6547343-b3a2-4540-8c7d-3d40f5aff00d
status: stable
description: Create-volume permission was added to an EBS snapshot. The other account can then create a volume from it and read the disk's contents; it is one of the fastest ways to exfiltrate whole disks.
tags:
  - attack.exfiltration
  - attack.t1537
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: ec2.amazonaws.com
    eventName: ModifySnapshotAttribute
    requestParameters.createVolumePermission.add|exists: true
  condition: selection
falsepositives:
  - Sharing snapshots with a backup or disaster-recovery account
level: high
---
title: RDS snapshot shared with another account or made public
id: c5679ee7-970c-43c3-a710-547304c9d0bb
status: stable
description: The restore attribute of an RDS database or cluster snapshot was given to another account (or "all"). That account can restore the whole database.
tags:
  - attack.exfiltration
  - attack.t1537
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: rds.amazonaws.com
    eventName:
      - ModifyDBSnapshotAttribute
      - ModifyDBClusterSnapshotAttribute
    requestParameters.attributeName: restore
    requestParameters.valuesToAdd|exists: true
  condition: selection
falsepositives:
  - Sharing snapshots with a backup or disaster-recovery account
level: high
---
title: S3 public access block removed
id: 8b2967e8-a927-4121-9763-5d7c3430f044
status: experimental
description: A bucket's or the account's S3 Block Public Access settings were deleted. This is the guard that keeps a bucket policy or ACL from making data public.
tags:
  - attack.exfiltration
  - attack.t1530
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource:
      - s3.amazonaws.com
      - s3-control.amazonaws.com
    eventName:
      - DeleteBucketPublicAccessBlock
      - DeleteAccountPublicAccessBlock
  condition: selection
falsepositives:
  - Buckets that host public websites
level: medium
---
title: KMS key scheduled for deletion or disabled
id: b3107b7b-9cbb-46dd-a3e6-def7c0472298
status: stable
description: A KMS key was scheduled for deletion or disabled. Everything encrypted under a deleted key is lost for good, which makes it a tool for destruction and extortion.
tags:
  - attack.impact
  - attack.t1485
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: kms.amazonaws.com
    eventName:
      - ScheduleKeyDeletion
      - DisableKey
  condition: selection
falsepositives:
  - Retiring keys whose data was re-encrypted or deleted
level: medium
---
title: Backups or S3 versioning removed
id: 99077404-3fd0-4588-9f0f-b9c9efb17960
status: experimental
description: A backup vault or recovery point was deleted, or bucket versioning suspended. Removing the ways back is what ransomware operators do before encrypting or deleting data.
tags:
  - attack.impact
  - attack.t1490
logsource:
  product: aws
  service: cloudtrail
detection:
  selection_backup:
    eventSource: backup.amazonaws.com
    eventName:
      - DeleteBackupVault
      - DeleteRecoveryPoint
      - DeleteBackupPlan
  selection_versioning:
    eventSource: s3.amazonaws.com
    eventName: PutBucketVersioning
    requestParameters.VersioningConfiguration.Status: Suspended
  condition: 1 of selection_*
falsepositives:
  - Lifecycle clean-up of old backups
level: medium
---
title: Bedrock model access enabled
id: 41f53618-90f9-49f7-94fb-6601680d1936
status: experimental
description: Access to a Bedrock foundation model was requested or granted (use-case form, entitlement, agreement). Attackers with stolen keys enable expensive models to resell or use them ("LLMjacking"), running up the account's bill.
tags:
  - attack.impact
  - attack.t1496
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventSource: bedrock.amazonaws.com
    eventName:
      - PutUseCaseForModelAccess
      - PutFoundationModelEntitlement
      - CreateFoundationModelAgreement
  condition: selection
falsepositives:
  - Teams starting to use a new model
level: medium
`;

let cached: SigmaRule[] | undefined;

/** The built-in rules, parsed once. A rule of the pack that does not load is a bug: it throws. */
export function builtinRules(): SigmaRule[] {
  if (!cached) {
    const parsed = parseSigmaRules(BUILTIN_PACK_YAML, BUILTIN_SOURCE);
    if (parsed.problems.length)
      throw new Error(
        `built-in rule pack: ${parsed.problems.map((p) => `${p.title ?? '?'}: ${p.reason}`).join('; ')}`,
      );
    cached = parsed.rules;
  }
  return cached;
}
