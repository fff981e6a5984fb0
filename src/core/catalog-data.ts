// The built-in WHMCS API catalog: 162 actions in 16 categories, canonical spellings.
// Copied from ../shared/data/whmcs-actions.json (the WHMCS API index); test/unit/catalog.test.ts pins the counts.
export const BUILTIN_CATEGORIES: Readonly<Record<string, readonly string[]>> = {
  "Addons": [
    "UpdateClientAddon",
  ],
  "Affiliates": [
    "AffiliateActivate", "GetAffiliates",
  ],
  "Authentication": [
    "CreateOAuthCredential", "CreateSsoToken", "DeleteOAuthCredential", "ListOAuthCredentials",
    "UpdateOAuthCredential", "ValidateLogin",
  ],
  "Billing": [
    "AcceptQuote", "AddBillableItem", "AddCredit", "AddInvoicePayment", "AddPayMethod", "AddTransaction",
    "ApplyCredit", "CapturePayment", "CreateInvoice", "CreateQuote", "DeletePayMethod", "DeleteQuote",
    "GenInvoices", "GetCredits", "GetInvoice", "GetInvoices", "GetPayMethods", "GetQuotes", "GetTransactions",
    "SendQuote", "UpdateInvoice", "UpdatePayMethod", "UpdateQuote", "UpdateTransaction",
  ],
  "Client": [
    "AddClient", "AddContact", "CloseClient", "DeleteClient", "DeleteContact", "GetCancelledPackages",
    "GetClientGroups", "GetClientPassword", "GetClients", "GetClientsAddons", "GetClientsDetails",
    "GetClientsDomains", "GetClientsProducts", "GetContacts", "GetEmails", "UpdateClient", "UpdateContact",
  ],
  "Domains": [
    "CreateOrUpdateTLD", "DomainGetLockingStatus", "DomainGetNameservers", "DomainGetWhoisInfo",
    "DomainRegister", "DomainRelease", "DomainRenew", "DomainRequestEPP", "DomainToggleIdProtect",
    "DomainTransfer", "DomainUpdateLockingStatus", "DomainUpdateNameservers", "DomainUpdateWhoisInfo",
    "DomainWhois", "GetRegistrars", "GetTLDPricing", "UpdateClientDomain",
  ],
  "Module": [
    "ActivateModule", "DeactivateModule", "GetModuleConfigurationParameters", "GetModuleQueue",
    "UpdateModuleConfiguration",
  ],
  "Orders": [
    "AcceptOrder", "AddOrder", "CancelOrder", "DeleteOrder", "FraudOrder", "GetOrderStatuses", "GetOrders",
    "GetProducts", "GetPromotions", "OrderFraudCheck", "PendingOrder",
  ],
  "Products": [
    "AddProduct",
  ],
  "Project Management": [
    "AddProjectMessage", "AddProjectTask", "CreateProject", "DeleteProjectTask", "EndTaskTimer", "GetProject",
    "GetProjects", "StartTaskTimer", "UpdateProject", "UpdateProjectTask",
  ],
  "Servers": [
    "GetHealthStatus", "GetServers",
  ],
  "Service": [
    "ModuleChangePackage", "ModuleChangePw", "ModuleCreate", "ModuleCustom", "ModuleSuspend",
    "ModuleTerminate", "ModuleUnsuspend", "UpdateClientProduct", "UpgradeProduct",
  ],
  "Support": [
    "AddAnnouncement", "AddCancelRequest", "AddClientNote", "AddTicketNote", "AddTicketReply",
    "BlockTicketSender", "DeleteAnnouncement", "DeleteTicket", "DeleteTicketNote", "DeleteTicketReply",
    "GetAnnouncements", "MergeTicket", "OpenTicket", "UpdateTicket", "UpdateTicketReply",
  ],
  "System": [
    "AddBannedIp", "DecryptPassword", "EncryptPassword", "GetActivityLog", "GetAdminDetails", "GetAdminUsers",
    "GetAutomationLog", "GetConfigurationValue", "GetCurrencies", "GetEmailTemplates", "GetPaymentMethods",
    "GetStaffOnline", "GetStats", "GetToDoItemStatuses", "GetToDoItems", "LogActivity", "SendAdminEmail",
    "SendEmail", "SetConfigurationValue", "TriggerNotificationEvent", "UpdateAdminNotes",
    "UpdateAnnouncement", "UpdateToDoItem", "WhmcsDetails",
  ],
  "Tickets": [
    "GetSupportDepartments", "GetSupportStatuses", "GetTicket", "GetTicketAttachment", "GetTicketCounts",
    "GetTicketNotes", "GetTicketPredefinedCats", "GetTicketPredefinedReplies", "GetTickets",
  ],
  "Users": [
    "AddUser", "CreateClientInvite", "DeleteUserClient", "GetPermissionsList", "GetUserPermissions",
    "GetUsers", "ResetPassword", "UpdateUser", "UpdateUserPermissions",
  ],
};
