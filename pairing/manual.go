package pairing

import "github.com/ome-preflight/ome-preflight/report"

// Where the manual prerequisites are stated.
const (
	migrateIn   = "OME 4.0.x User's Guide, \"Migrate in\" (prerequisites)"
	loginSec    = "OME's Login Security settings (\"Restrict Allowed IP Range\"); Dell's Ansible module ome_application_security_settings (restrict_allowed_ip_range: \"any inbound connection to the appliance ... [is] blocked from the devices that are outside the specified IP address range\"; read with POST ApplicationService.GetConfiguration)"
	ansibleCert = "Dell's Ansible module ome_application_certificate (command: upload_cert_chain uploads the certificate chain; upload is the single certificate) and its issue 645 (a chain sent with UploadCertificate is not stored as a chain)"
)

// ManualChecks are the migration prerequisites the admin confirms by hand
// in the checklist: the probe cannot observe them (or only with a request
// it must not send), so they are the admin's to confirm, never passed.
func ManualChecks() []report.ManualItem {
	item := func(id, text, why, ref string) report.ManualItem {
		return report.ManualItem{ID: id, Status: report.ToConfirm, Text: text, Why: why, Reference: ref}
	}
	const byHand = "not observable over the web server's TLS port or a GET of the OME API"
	return []report.ManualItem{
		item("migrate-source-version", "The source appliance runs OME 3.10.x.",
			"probe --user reads each version (api-version), but only the admin knows the pair the migration will use", migrateIn),
		item("migrate-target-version", "The target appliance runs OME 4.0 or 4.0.1.",
			"probe --user reads each version (api-version), but only the admin knows the pair the migration will use", migrateIn),
		item("migrate-target-snapshot", "A snapshot of the target appliance's virtual machine was taken before migrating in.",
			"the hypervisor's, not the appliance's: "+byHand, migrateIn),
		item("migrate-target-no-plugins", "No plugins are installed on the target appliance.",
			byHand, migrateIn),
		item("migrate-local-admin", "The wizard is given a local administrator account of the peer appliance (not a directory user).",
			"which account the admin will type into the wizard: "+byHand, migrateIn),
		item("migrate-update-repository", "The target appliance reaches its update repository.",
			"reachability from the appliance itself: "+byHand, migrateIn),
		item("migrate-tls12", "Both appliances allow TLS 1.2 for the migration connection.",
			"probe reads the TLS version each web server negotiates (live-tls), not the appliance-to-appliance setting the wizard uses", migrateIn),
		item("login-ip-range", "On both appliances, Application Settings > Security > Login Security > Restrict Allowed IP Range is off, or its range includes the peer appliance's address.",
			"the setting is readable only through a POST (ApplicationService.GetConfiguration), and ome-preflight sends only GETs", loginSec),
		item("ansible-upload-cert-chain", "If Ansible uploads the chains: dellemc.openmanage.ome_application_certificate runs with command: upload_cert_chain, not upload.",
			"a playbook's content: "+byHand+" (live-leaf-only shows the result when an appliance serves only its leaf)", ansibleCert),
	}
}
